import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ChecksumMismatchError, DatasetFormatError, DatasetNotFoundError } from '../errors/dataset-errors.js';
import { encodeIdx } from '../formats/idx-writer.js';
import { tempDir, writeCifar10, writeIdxDataset } from '../test-support/fixture-files.js';
import { defaultCacheDir } from './data-locations.js';
import { KNOWN_DATASETS, type KnownDataset } from './known-datasets.js';
import { loadDataset } from './load-dataset.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
let counter = 0;
const fresh = (name = 'd') => join(tmp.dir, `${name}${counter++}`);
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** fashion-mnist's registry entry with the checksums of files the test wrote (so 'checksum' mode can pass). */
function specFor(dir: string, base: KnownDataset = KNOWN_DATASETS['fashion-mnist']!): KnownDataset {
  return { ...base, name: 'toy-fmnist', files: base.files.map((f) => ({ ...f, sha256: sha(join(dir, f.name)), contentSha256: undefined })), systemDirs: [] };
}

const offline = { download: false, env: {}, systemDirs: [] } as const;

describe('loadDataset resolution order', () => {
  it('prefers dataDir, then RETAIN_DATA_DIR, then the cache, then system dirs, and says which it used', async () => {
    const dataDir = fresh('data');
    const envDir = fresh('env');
    const cacheDir = fresh('cache');
    const systemDir = fresh('system');
    // Four copies with different train sizes tell them apart.
    writeIdxDataset(join(dataDir, 'fashion-mnist'), { trainCount: 11, testCount: 5 });
    writeIdxDataset(join(envDir, 'fashion-mnist'), { trainCount: 12, testCount: 5 });
    writeIdxDataset(join(cacheDir, 'fashion-mnist'), { trainCount: 13, testCount: 5 });
    writeIdxDataset(systemDir, { trainCount: 14, testCount: 5 });
    const options = { cacheDir, systemDirs: [systemDir], download: false, verify: 'structure' as const };
    const env = { RETAIN_DATA_DIR: envDir };
    const a = await loadDataset('fashion-mnist', { ...options, env, dataDir });
    expect([a.train.count, a.origin]).toEqual([11, 'dataDir option']);
    const b = await loadDataset('fashion-mnist', { ...options, env });
    expect([b.train.count, b.origin]).toEqual([12, 'RETAIN_DATA_DIR']);
    const c = await loadDataset('fashion-mnist', { ...options, env: {} });
    expect([c.train.count, c.origin]).toEqual([13, 'user cache']);
    const d = await loadDataset('fashion-mnist', { ...options, env: {}, cacheDir: fresh('empty') });
    expect([d.train.count, d.origin]).toEqual([14, 'system']);
    expect(d.source).toContain(systemDir);
    expect(d.verification.map((v) => v.method)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('the cache dir comes from RETAIN_CACHE_DIR, else the platform cache', () => {
    expect(defaultCacheDir({ RETAIN_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(defaultCacheDir({})).toMatch(/retain.*datasets$/);
  });

  it('accepts decompressed copies (name without .gz, detected by content)', async () => {
    const dir = fresh();
    writeIdxDataset(dir, { trainCount: 10, testCount: 10, gzip: false });
    const loaded = await loadDataset('fashion-mnist', { ...offline, dataDir: dir, verify: 'structure' });
    expect(loaded.files[0]).toBe(join(dir, 'train-images-idx3-ubyte'));
  });

  it('not found anywhere -> DatasetNotFoundError listing every place looked in and how to provide the files', async () => {
    const dataDir = fresh();
    const cacheDir = fresh('cache');
    const error = await loadDataset('fashion-mnist', { dataDir, cacheDir, env: { RETAIN_DATA_DIR: '/nonexistent/env' }, systemDirs: ['/nonexistent/system'], download: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    const e = error as DatasetNotFoundError;
    expect(e.code).toBe('ERR_DATASET_NOT_FOUND');
    expect(e.lookedIn.map((l) => l.origin)).toEqual(['dataDir option', 'dataDir option', 'RETAIN_DATA_DIR', 'RETAIN_DATA_DIR', 'user cache', 'system', 'download']);
    for (const place of [join(dataDir, 'fashion-mnist'), '/nonexistent/env/fashion-mnist', join(cacheDir, 'fashion-mnist'), '/nonexistent/system']) {
      expect(e.message).toContain(place);
    }
    expect(e.message).toContain('skipped (download: false)');
    expect(e.message).toContain('train-images-idx3-ubyte.gz');
    expect(e.message).toContain('apt-get install dataset-fashion-mnist');
    expect(e.message).toContain('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/');
  });

  it('names what is missing where a copy is partial, and honours RETAIN_OFFLINE', async () => {
    const partial = fresh();
    writeIdxDataset(partial, { trainCount: 10, testCount: 10 });
    rmSync(join(partial, 't10k-labels-idx1-ubyte.gz'));
    const error = (await loadDataset('fashion-mnist', { dataDir: partial, cacheDir: fresh(), systemDirs: [], env: { RETAIN_OFFLINE: '1' } }).catch((e: unknown) => e)) as DatasetNotFoundError;
    expect(error.lookedIn[0]?.outcome).toBe('no files');
    expect(error.lookedIn[1]).toEqual({ location: partial, origin: 'dataDir option', outcome: 'missing t10k-labels-idx1-ubyte(.gz)' });
    expect(error.message).toContain('skipped (RETAIN_OFFLINE is set)');
  });

  it('a broken file found first throws; the registry never falls through to another copy', async () => {
    const broken = fresh();
    writeIdxDataset(broken, { trainCount: 10, testCount: 10 });
    const labels = gzipSync(encodeIdx([10], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 42])));
    writeFileSync(join(broken, 'train-labels-idx1-ubyte.gz'), labels);
    const good = fresh();
    writeIdxDataset(good, { trainCount: 10, testCount: 10 });
    const error = await loadDataset('fashion-mnist', { ...offline, dataDir: broken, systemDirs: [good], verify: 'structure' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).problem).toBe('label-out-of-range');
  });
});

describe('loadDataset checksums', () => {
  it("files matching the recorded SHA-256 are identified as 'sha256'", async () => {
    const dir = fresh();
    writeIdxDataset(dir, { trainCount: 10, testCount: 10 });
    const loaded = await loadDataset(specFor(dir), { ...offline, dataDir: dir });
    expect(loaded.verification.map((v) => v.method)).toEqual(['sha256', 'sha256', 'sha256', 'sha256']);
    expect(loaded.source).toContain('files identified by sha256');
  });

  it('a file contradicting a known checksum throws ChecksumMismatchError, unless verify is structure', async () => {
    const dir = fresh();
    writeIdxDataset(dir, { trainCount: 10, testCount: 10 });
    // These synthetic files are not the real Fashion-MNIST: its published checksums reject them.
    const error = await loadDataset('fashion-mnist', { ...offline, dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    const e = error as ChecksumMismatchError;
    expect(e.file).toContain(join(dir, 'train-images-idx3-ubyte.gz'));
    expect(e.expected).toBe(KNOWN_DATASETS['fashion-mnist']!.files[0]!.contentSha256);
    expect(e.message).toContain("verify: 'structure'");
    const accepted = await loadDataset('fashion-mnist', { ...offline, dataDir: dir, verify: 'structure' });
    expect(accepted.train.count).toBe(10);
  });

  it('files with no applicable checksum are read and recorded as unverified (CIFAR members extracted by hand)', async () => {
    const dir = fresh();
    writeCifar10(dir, 3);
    writeFileSync(join(dir, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n');
    const loaded = await loadDataset('cifar10', { ...offline, dataDir: dir });
    expect(loaded.train.count).toBe(15);
    expect(loaded.test.count).toBe(3);
    expect(loaded.classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    expect(new Set(loaded.verification.map((v) => v.method))).toEqual(new Set(['unverified']));
  });

  it('EMNIST: transposed images and letters labels shifted to start at 0', async () => {
    const dir = fresh();
    const written = writeIdxDataset(dir, { trainCount: 26, testCount: 26, numClasses: 26, prefix: 'emnist-letters-' });
    // Letters labels are 1..26 in the files.
    const shifted = gzipSync(encodeIdx([26], Uint8Array.from(written.train.labels, (l) => l + 1)));
    writeFileSync(join(dir, 'emnist-letters-train-labels-idx1-ubyte.gz'), shifted);
    writeFileSync(join(dir, 'emnist-letters-t10k-labels-idx1-ubyte.gz'), shifted);
    const loaded = await loadDataset('emnist-letters', { ...offline, dataDir: dir });
    expect(Array.from(loaded.train.labels.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(loaded.classNames[0]).toBe('A');
    // pixel (r, c) of the result is (c, r) of the file
    expect(loaded.train.images[3 * 28 + 5]).toBe(written.train.images[5 * 28 + 3]);
  });
});
