import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'retain-atomic-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('replaces the file content and leaves no temporary file', async () => {
    const path = join(directory, 'a.txt');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, new TextEncoder().encode('new'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(directory)).toEqual(['a.txt']);
  });

  it('cleans up its temporary file and keeps the old file when the rename fails', async () => {
    const target = join(directory, 'is-a-directory');
    await writeFileAtomic(join(target, 'inside.txt'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await readdir(directory)).sort()).toEqual(['a.txt', 'is-a-directory']);
    await writeFile(join(directory, 'keep.txt'), 'kept');
    expect(await readFile(join(directory, 'keep.txt'), 'utf8')).toBe('kept');
  });
});
