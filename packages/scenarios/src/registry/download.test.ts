import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { c as createTar } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { ChecksumMismatchError, DatasetNotFoundError, DownloadError } from '../errors/dataset-errors.js';
import { encodeIdx } from '../formats/idx-writer.js';
import { closedPort, serveFiles } from '../test-support/http-fixture.js';
import { randomBytes, storedZip, tempDir, writeCifar10, writeIdxDataset } from '../test-support/fixture-files.js';
import { downloadVerified, type DownloadProgress } from './download.js';
import { KNOWN_DATASETS, type KnownDataset } from './known-datasets.js';
import { loadDataset } from './load-dataset.js';
import { terminalProgressBar } from './progress-bar.js';
import { VERIFIED_RECORD_FILE } from './verification.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
let counter = 0;
const fresh = (name = 'd') => join(tmp.dir, `${name}${counter++}`);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Served copies of a synthetic MNIST-layout dataset, and a registry entry whose SHA-256s are theirs. */
function servedIdx(): { routes: Record<string, Uint8Array>; spec: KnownDataset } {
  const dir = fresh('src');
  writeIdxDataset(dir, { trainCount: 20, testCount: 10 });
  const base = KNOWN_DATASETS['mnist']!;
  const routes: Record<string, Uint8Array> = {};
  const files = base.files.map((f) => {
    const bytes = new Uint8Array(readFileSync(join(dir, f.name)));
    routes[`/mirror/${f.name}`] = bytes;
    return { ...f, sha256: sha(bytes) };
  });
  return { routes, spec: { ...base, name: 'toy-mnist', files } };
}

function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('downloadVerified', () => {
  it('streams to the target, reports progress, and verifies SHA-256', async () => {
    const body = randomBytes(200_000, 9);
    const server = await serveFiles({ '/f.bin': body });
    try {
      const target = join(fresh(), 'f.bin');
      const seen: DownloadProgress[] = [];
      const n = await downloadVerified(`${server.base}/f.bin`, target, sha(body), { onProgress: (p) => seen.push(p) });
      expect(n).toBe(body.length);
      expect(Buffer.compare(readFileSync(target), body)).toBe(0);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.at(-1)).toMatchObject({ received: body.length, total: body.length });
    } finally {
      await server.close();
    }
  });

  it('draws a progress bar only on a terminal', () => {
    expect(terminalProgressBar({ isTTY: false } as NodeJS.WriteStream)).toBeUndefined();
  });

  it('HTTP errors are DownloadErrors', async () => {
    const server = await serveFiles({});
    try {
      await expect(downloadVerified(`${server.base}/missing`, join(fresh(), 'x'), '00')).rejects.toThrow(DownloadError);
      await expect(downloadVerified(`${server.base}/missing`, join(fresh(), 'x'), '00')).rejects.toThrow(/HTTP 404/);
    } finally {
      await server.close();
    }
  });
});

describe('loadDataset download step (local server on 127.0.0.1)', () => {
  it('checksum ok: downloads every file into the cache, then reads it (a second load reads the cache)', async () => {
    const { routes, spec } = servedIdx();
    const server = await serveFiles(routes);
    try {
      const cacheDir = fresh('cache');
      const progress: string[] = [];
      const loaded = await loadDataset(spec, { cacheDir, env: {}, systemDirs: [], mirrors: [`${server.base}/gone/`, `${server.base}/mirror/`], progressBar: false, onProgress: (p) => progress.push(p.url) });
      expect(loaded.origin).toBe('download');
      expect(loaded.train.count).toBe(20);
      expect(loaded.verification.map((v) => v.method)).toEqual(['sha256', 'sha256', 'sha256', 'sha256']);
      expect(leftovers(join(cacheDir, 'toy-mnist')).sort()).toEqual(spec.files.map((f) => f.name).sort());
      expect(server.requests.filter((r) => r.startsWith('/gone/'))).toHaveLength(4); // first mirror 404s, second serves
      expect(new Set(progress).size).toBe(4);
      const again = await loadDataset(spec, { cacheDir, env: {}, systemDirs: [], mirrors: [`${server.base}/mirror/`] });
      expect(again.origin).toBe('user cache');
      expect(server.requests).toHaveLength(8);
    } finally {
      await server.close();
    }
  });

  it('checksum mismatch: ChecksumMismatchError and no file left in the cache', async () => {
    const { routes, spec } = servedIdx();
    const bad = { ...spec, files: spec.files.map((f, i) => (i === 0 ? { ...f, sha256: '0'.repeat(64) } : f)) };
    const server = await serveFiles(routes);
    try {
      const cacheDir = fresh('cache');
      const error = await loadDataset(bad, { cacheDir, env: {}, systemDirs: [], mirrors: [`${server.base}/mirror/`], progressBar: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChecksumMismatchError);
      const e = error as ChecksumMismatchError;
      expect(e.expected).toBe('0'.repeat(64));
      expect(e.actual).toBe(sha(routes[`/mirror/${spec.files[0]!.name}`]!));
      expect(e.file).toContain('/mirror/train-images-idx3-ubyte.gz');
      expect(leftovers(join(cacheDir, 'toy-mnist'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('server unreachable: DatasetNotFoundError listing every location looked in and how to provide the files', async () => {
    const port = await closedPort();
    const cacheDir = fresh('cache');
    const dataDir = fresh('data');
    const error = await loadDataset('mnist', {
      cacheDir,
      dataDir,
      env: { RETAIN_DATA_DIR: join(tmp.dir, 'env-data') },
      mirrors: [`http://127.0.0.1:${port}/mnist/`],
      progressBar: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    const e = error as DatasetNotFoundError;
    expect(e.lookedIn.map((l) => l.origin)).toEqual(['dataDir option', 'dataDir option', 'RETAIN_DATA_DIR', 'RETAIN_DATA_DIR', 'user cache', 'download']);
    expect(e.lookedIn.at(-1)?.outcome).toMatch(/failed: .*ECONNREFUSED/);
    expect(e.message).toContain(`http://127.0.0.1:${port}/mnist/train-images-idx3-ubyte.gz`);
    expect(e.message).toContain(join(cacheDir, 'mnist'));
    expect(e.message).toContain(join(tmp.dir, 'env-data', 'mnist'));
    expect(e.howToProvide).toContain('put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz in');
    expect(e.howToProvide).toContain('https://storage.googleapis.com/cvdf-datasets/mnist/<file>');
    expect(leftovers(join(cacheDir, 'mnist'))).toEqual([]);
  });

  it('tar.gz archives (CIFAR-10): verified, members extracted and recorded, archive removed', async () => {
    const src = fresh('cifar-src');
    writeCifar10(join(src, 'cifar-10-batches-bin'), 2);
    writeFileSync(join(src, 'cifar-10-batches-bin', 'batches.meta.txt'), `${KNOWN_DATASETS['cifar10']!.classNames.join('\n')}\n`);
    const archivePath = join(src, 'cifar.tar.gz');
    await createTar({ gzip: true, file: archivePath, cwd: src }, ['cifar-10-batches-bin']);
    const archive = new Uint8Array(readFileSync(archivePath));
    const base = KNOWN_DATASETS['cifar10']!;
    if (base.download.kind !== 'tar.gz') throw new Error('cifar10 is a tar.gz download');
    const spec: KnownDataset = { ...base, name: 'toy-cifar10', download: { ...base.download, archive: { ...base.download.archive, sha256: sha(archive) } } };
    const server = await serveFiles({ '/cifar-10-binary.tar.gz': archive });
    try {
      const cacheDir = fresh('cache');
      const loaded = await loadDataset(spec, { cacheDir, env: {}, systemDirs: [], mirrors: [`${server.base}/cifar-10-binary.tar.gz`], progressBar: false });
      expect(loaded.train.count).toBe(10);
      expect(new Set(loaded.verification.map((v) => v.method))).toEqual(new Set(['archive-record']));
      const dir = join(cacheDir, 'toy-cifar10');
      expect(leftovers(dir).sort()).toEqual([...Object.values(base.download.members), VERIFIED_RECORD_FILE].sort());
      const record = JSON.parse(readFileSync(join(dir, VERIFIED_RECORD_FILE), 'utf8')) as { archiveSha256: string; files: Record<string, string> };
      expect(record.archiveSha256).toBe(sha(archive));
      expect(record.files['test_batch.bin']).toBe(sha(readFileSync(join(dir, 'test_batch.bin'))));
    } finally {
      await server.close();
    }
  });

  it('zip archives (EMNIST): members extracted from a verified zip', async () => {
    const base = KNOWN_DATASETS['emnist-digits']!;
    if (base.download.kind !== 'zip') throw new Error('emnist is a zip download');
    const members: Record<string, Uint8Array> = {};
    for (const [member, local] of Object.entries(base.download.members)) {
      const isImages = local.includes('images');
      const n = 10;
      members[member] = gzipSync(isImages ? encodeIdx([n, 28, 28], randomBytes(n * 784, n)) : encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i)));
    }
    members['gzip/emnist-other-train-images-idx3-ubyte.gz'] = new Uint8Array(10);
    const zip = storedZip(members);
    const spec: KnownDataset = { ...base, name: 'toy-emnist', download: { ...base.download, archive: { ...base.download.archive, sha256: sha(zip) } } };
    const server = await serveFiles({ '/gzip.zip': zip });
    try {
      const cacheDir = fresh('cache');
      const loaded = await loadDataset(spec, { cacheDir, env: {}, systemDirs: [], mirrors: [`${server.base}/gzip.zip`], progressBar: false });
      expect(loaded.test.count).toBe(10);
      expect(leftovers(join(cacheDir, 'toy-emnist'))).toHaveLength(5);
    } finally {
      await server.close();
    }
  });
});
