import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StoreChecksumError,
  StoreFormatError,
  StoreMagicError,
  StoreTaskNotFoundError,
  StoreTruncatedError,
  StoreVersionError,
} from '../errors/store-errors.js';
import { RetainError } from '@retain/core';
import { describeStore, exampleStore } from '../testing/example-store.js';
import { analyseStore } from './decode-store.js';
import { encodeStore } from './encode-store.js';
import { SectionType } from './store-format.js';
import { readStoreFile, readTaskFromFile, writeStoreFile } from './store-file.js';

let dir: string;
const store = exampleStore();
const bytes = encodeStore(store);
const { layout } = analyseStore(bytes);

async function failure(promise: Promise<unknown>): Promise<StoreFormatError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreFormatError);
    expect(error).toBeInstanceOf(RetainError);
    return error as StoreFormatError;
  }
  throw new Error('expected a StoreFormatError');
}

/** Writes `content` to a fresh file and returns its path. */
async function fileWith(name: string, content: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retain-masks-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeStoreFile / readStoreFile / readTaskFromFile', () => {
  it('writes atomically (no temp file left) and reads everything back', async () => {
    const path = join(dir, 'store.rtn');
    const written = await writeStoreFile(path, store);
    expect(written).toBe(bytes.length);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect(await readdir(dir)).toEqual(['store.rtn']);
    expect(describeStore(await readStoreFile(path))).toEqual(describeStore(store));
    // Overwriting replaces the file whole.
    store.setMetadata(4, { note: 'second write' });
    await writeStoreFile(path, store);
    expect((await readStoreFile(path)).task(4).metadata).toEqual({ note: 'second write' });
    store.setMetadata(4, undefined);
    expect(await readdir(dir)).toEqual(['store.rtn']);
  });

  it('loads one task from its sections only', async () => {
    const path = await fileWith('one-task.rtn', bytes);
    const task = await readTaskFromFile(path, 2);
    expect(task.taskId).toBe(2);
    expect(task.tasks).toEqual([1, 2, 3, 4]);
    expect(task.architecture).toEqual(store.architecture);
    // Version 2: task 2's claims are coded against task 1's, so task 1's claims section is read too (nothing else of task 1).
    const claims1 = layout.sections.find((s) => s.type === SectionType.Claims && s.taskId === 1)!.label;
    const own = layout.sections.filter((s) => s.taskId === 2 || s.taskId === 0).map((s) => s.label);
    const claims2At = own.findIndex((l) => l.startsWith('task 2 claims'));
    expect(task.sectionsRead).toEqual([...own.slice(0, claims2At + 1), claims1, ...own.slice(claims2At + 1)]);
    for (const t of store.tensors) {
      const expected = store.ownership.claimOf(2, t.name)!;
      const got = task.claims.get(t.name)!;
      expect(got.bits).toBe(4);
      expect(got.slots.equals(expected.slots)).toBe(true);
    }
    expect(task.masks.size).toBe(0);
    expect(task.quantization.get('dense_1/kernel')).toEqual(store.task(2).quantization.get('dense_1/kernel'));
    expect(task.heads).toEqual(store.task(2).heads);
    expect(task.batchNorm).toEqual(store.task(2).batchNorm);
    expect(task.metadata).toEqual(store.task(2).metadata);
    expect(task.shared).toEqual(store.shared);
    const wsn = await readTaskFromFile(path, 3, { includeShared: false });
    expect(wsn.masks.get('dense_1/kernel')!.equals(store.ownership.taskMask(3, 'dense_1/kernel')!)).toBe(true);
    expect(wsn.shared).toEqual([]);
    const empty = await readTaskFromFile(path, 4);
    expect(empty.sectionsRead).toEqual(['shared tensors (section #0)']);
    const missing = await failure(readTaskFromFile(path, 9));
    expect(missing).toBeInstanceOf(StoreTaskNotFoundError);
    expect(missing).toMatchObject({ path, taskId: 9, available: [1, 2, 3, 4] });
  });

  it('does not read other tasks: damage to task 1 does not stop loading task 2, unless the file hash is checked', async () => {
    const damaged = bytes.slice();
    const heads1 = layout.sections.find((s) => s.type === SectionType.Heads && s.taskId === 1)!;
    damaged[heads1.offset + heads1.length - 1] = damaged[heads1.offset + heads1.length - 1]! ^ 0x01;
    const path = await fileWith('damaged-task-1.rtn', damaged);
    expect((await readTaskFromFile(path, 2)).taskId).toBe(2);
    const own = await failure(readTaskFromFile(path, 1));
    expect(own).toBeInstanceOf(StoreChecksumError);
    expect(own).toMatchObject({ path, section: heads1.label, algorithm: 'crc32' });
    const hashed = await failure(readTaskFromFile(path, 2, { verifyFileHash: true }));
    expect(hashed).toMatchObject({ path, section: 'trailer', algorithm: 'sha256' });
    const whole = await failure(readStoreFile(path));
    expect(whole).toMatchObject({ path, section: heads1.label, algorithm: 'crc32' });
  });
});

describe('damaged files give typed errors naming the file and the section', () => {
  const readers = [
    ['readStoreFile', (path: string) => readStoreFile(path)],
    ['readTaskFromFile', (path: string) => readTaskFromFile(path, 3)],
  ] as const;

  it.each(readers)('%s: truncated files', async (_name, read) => {
    const cuts: [number, string][] = [
      [0, 'preamble'],
      [5, 'preamble'],
      [20, 'preamble'],
      [layout.dataStart - 1, 'header'],
      ...layout.sections.map((s): [number, string] => [s.offset + Math.floor(s.length / 2), s.label]),
      [layout.sections[3]!.offset, layout.sections[3]!.label], // cut exactly at a section boundary
      [bytes.length - 1, 'trailer'],
    ];
    for (const [at, section] of cuts) {
      const path = await fileWith(`cut-${at}.rtn`, bytes.subarray(0, at));
      const e = await failure(read(path));
      expect(e).toBeInstanceOf(StoreTruncatedError);
      expect(e).toMatchObject({ path, section, actualBytes: at });
      expect(e.message).toContain(path);
      expect(e.message).toContain(section);
    }
  });

  it.each(readers)('%s: a bit flip anywhere is caught and located', async (_name, read) => {
    const flips: [number, string, string][] = [
      [3, 'preamble', 'ERR_STORE_MAGIC'],
      [9, 'preamble', 'ERR_STORE_VERSION'],
      [14, 'preamble', 'ERR_STORE_CHECKSUM'], // header length
      [24, 'preamble', 'ERR_STORE_CHECKSUM'], // file length
      [40, 'header', 'ERR_STORE_CHECKSUM'], // header JSON
      [layout.dataStart - 20, 'header', 'ERR_STORE_CHECKSUM'], // section table
      [layout.dataStart - 1, 'header', 'ERR_STORE_CHECKSUM'], // header CRC itself
    ];
    for (const [at, section, code] of flips) {
      const flipped = bytes.slice();
      flipped[at] = flipped[at]! ^ 0x04;
      const path = await fileWith(`flip-${at}.rtn`, flipped);
      const e = await failure(read(path));
      expect(e).toMatchObject({ path, section, code });
    }
  });

  it('readStoreFile: a bit flip in any section or in the trailer', async () => {
    for (const s of layout.sections) {
      for (const at of [s.offset, s.offset + s.length - 1]) {
        const flipped = bytes.slice();
        flipped[at] = flipped[at]! ^ 0x80;
        const path = await fileWith(`flip-s-${at}.rtn`, flipped);
        const e = await failure(readStoreFile(path));
        expect(e).toBeInstanceOf(StoreChecksumError);
        expect(e).toMatchObject({ path, section: s.label, algorithm: 'crc32' });
      }
    }
    const flipped = bytes.slice();
    flipped[bytes.length - 5] = flipped[bytes.length - 5]! ^ 0x01;
    const path = await fileWith('flip-trailer.rtn', flipped);
    expect(await failure(readStoreFile(path))).toMatchObject({ path, section: 'trailer', algorithm: 'sha256' });
  });

  it.each(readers)('%s: wrong magic and wrong version', async (_name, read) => {
    const png = await fileWith('image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const magic = await failure(read(png));
    expect(magic).toBeInstanceOf(StoreMagicError);
    expect(magic).toMatchObject({ path: png, section: 'preamble', found: '89 50 4e 47 0d 0a 1a 0a' });
    const future = bytes.slice();
    future[8] = 7;
    const path = await fileWith('future.rtn', future);
    const version = await failure(read(path));
    expect(version).toBeInstanceOf(StoreVersionError);
    expect(version).toMatchObject({ path, found: 7, supported: [1, 2] });
    expect(version.message).toBe(`${path}: preamble: format version 7 is not supported (this reader reads 1, 2)`);
  });
});
