import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError, type DatasetProblem } from '../errors/dataset-errors.js';
import { randomBytes, tempDir, writeIdxDataset } from '../test-support/fixture-files.js';
import { readFileBytes } from './file-bytes.js';
import { pairIdx, parseIdx, readIdxImages, readIdxLabels, transposeImages } from './idx.js';
import { encodeIdx } from './idx-writer.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
let counter = 0;
function write(bytes: Uint8Array, gzip = false): string {
  const file = join(tmp.dir, `f${counter++}${gzip ? '.gz' : ''}`);
  writeFileSync(file, gzip ? gzipSync(bytes) : bytes);
  return file;
}

function expectProblem(fn: () => unknown, problem: DatasetProblem, file: string, text?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DatasetFormatError);
  const error = caught as DatasetFormatError;
  expect(error.problem).toBe(problem);
  expect(error.code).toBe('ERR_DATASET_FORMAT');
  expect(error.file).toBe(file);
  expect(error.message).toContain(file);
  if (text) expect(error.message).toMatch(text);
}

describe('IDX reader', () => {
  it('reads back what encodeIdx wrote, gzip or raw, detected by content not name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (n, h, w, gz, seed) => {
        const pixels = randomBytes(n * h * w, seed);
        const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 10);
        const imagesFile = write(encodeIdx([n, h, w], pixels), gz);
        const labelsFile = write(encodeIdx([n], labels), !gz);
        const images = readIdxImages(imagesFile);
        expect([images.count, images.height, images.width]).toEqual([n, h, w]);
        expect(images.file.gzipped).toBe(gz);
        expect(Array.from(images.images)).toEqual(Array.from(pixels));
        const set = pairIdx(images, readIdxLabels(labelsFile), 10);
        expect(Array.from(set.labels)).toEqual(Array.from(labels));
        expect(set.shape).toEqual([h, w, 1]);
      }),
      { numRuns: 40 },
    );
  });

  it('reads an MNIST-layout dataset written by the fixtures (Fashion-MNIST magic numbers)', () => {
    const dir = join(tmp.dir, 'mnist-like');
    const written = writeIdxDataset(dir, { trainCount: 30, testCount: 10 });
    const bytes = readFileBytes(join(dir, 'train-images-idx3-ubyte.gz')).bytes;
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    const images = readIdxImages(join(dir, 'train-images-idx3-ubyte.gz'), { expectedShape: [28, 28] });
    expect(Buffer.compare(images.images, written.train.images)).toBe(0);
    expect(Array.from(readFileBytes(join(dir, 'train-labels-idx1-ubyte.gz')).bytes.subarray(0, 4))).toEqual([0, 0, 8, 1]);
  });

  it('transposes EMNIST-style images on request', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]); // one 2x3 image
    expect(Array.from(transposeImages(data, 1, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    const file = write(encodeIdx([1, 2, 3], data));
    const images = readIdxImages(file, { transpose: true });
    expect([images.height, images.width]).toEqual([3, 2]);
    expect(Array.from(images.images)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('truncated gzip -> truncated-gzip naming the file', () => {
    const gz = gzipSync(encodeIdx([10, 4, 4], randomBytes(160, 1)));
    const file = write(gz.subarray(0, gz.length - 20));
    expectProblem(() => readIdxImages(file), 'truncated-gzip', file, /cut short/);
  });

  it('corrupt gzip body -> corrupt-gzip', () => {
    const gz = Uint8Array.from(gzipSync(encodeIdx([10, 4, 4], randomBytes(160, 1))));
    gz.fill(0xff, 10, 30);
    const file = write(gz);
    expectProblem(() => readIdxImages(file), 'corrupt-gzip', file);
  });

  it('wrong magic number -> bad-magic, the magic shown in hex', () => {
    const bytes = encodeIdx([2, 2, 2], new Uint8Array(8));
    bytes[0] = 0x12;
    const file = write(bytes);
    expectProblem(() => readIdxImages(file), 'bad-magic', file, /0x12000803/);
    const unknownType = encodeIdx([2], new Uint8Array(2));
    unknownType[2] = 0x07;
    const file2 = write(unknownType);
    expectProblem(() => readIdxLabels(file2), 'bad-magic', file2);
    const tiny = write(Uint8Array.from([0, 0]));
    expectProblem(() => readIdxLabels(tiny), 'bad-magic', tiny, /too short/);
  });

  it('header counts that disagree with the file size -> size-mismatch', () => {
    const bytes = encodeIdx([5, 4, 4], new Uint8Array(80));
    const short = write(bytes.subarray(0, bytes.length - 1));
    expectProblem(() => readIdxImages(short), 'size-mismatch', short, /5 x 4 x 4.*80 bytes.*79 bytes/);
    const long = write(Uint8Array.from([...bytes, 0, 0]));
    expectProblem(() => readIdxImages(long), 'size-mismatch', long, /82 bytes/);
    const cutHeader = write(bytes.subarray(0, 9));
    expectProblem(() => readIdxImages(cutHeader), 'size-mismatch', cutHeader, /3 dimensions/);
  });

  it('image/label count mismatch -> count-mismatch naming both files', () => {
    const imagesFile = write(encodeIdx([4, 2, 2], new Uint8Array(16)));
    const labelsFile = write(encodeIdx([3], Uint8Array.from([0, 1, 2])));
    expectProblem(() => pairIdx(readIdxImages(imagesFile), readIdxLabels(labelsFile), 10), 'count-mismatch', labelsFile, new RegExp(`3 labels but .*${imagesFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds 4 images`));
  });

  it('label out of range -> label-out-of-range with index and value', () => {
    const imagesFile = write(encodeIdx([3, 2, 2], new Uint8Array(12)));
    const labelsFile = write(encodeIdx([3], Uint8Array.from([0, 9, 10])));
    expectProblem(() => pairIdx(readIdxImages(imagesFile), readIdxLabels(labelsFile), 10), 'label-out-of-range', labelsFile, /label 10 at index 2/);
  });

  it('wrong image shape -> shape-mismatch (other size, or a labels file read as images)', () => {
    const file = write(encodeIdx([1, 32, 32], new Uint8Array(1024)));
    expectProblem(() => readIdxImages(file, { expectedShape: [28, 28] }), 'shape-mismatch', file, /expected 28x28.*32x32/);
    const labels = write(encodeIdx([4], new Uint8Array(4)));
    expectProblem(() => readIdxImages(labels), 'shape-mismatch', labels, /3 dimensions/);
  });

  it('non-byte element types -> unsupported-data-type', () => {
    const bytes = new Uint8Array(4 + 4 + 8);
    bytes[2] = 0x0d; // float
    bytes[3] = 1;
    new DataView(bytes.buffer).setUint32(4, 2, false);
    const file = write(bytes);
    expect(parseIdx(readFileSync(file), file).dims).toEqual([2]);
    expectProblem(() => readIdxLabels(file), 'unsupported-data-type', file, /float/);
  });
});
