import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors/dataset-errors.js';
import { cifarRecords, randomBytes, tempDir, writeCifar10, writeCifar100 } from '../test-support/fixture-files.js';
import { CIFAR100_COARSE_LAYOUT, CIFAR100_FINE_LAYOUT, CIFAR10_LAYOUT, readCifarBinaries, readCifarClassNames } from './cifar.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('CIFAR binary reader', () => {
  it('reads CIFAR-10 batches into HWC images with their labels', () => {
    const dir = join(tmp.dir, 'c10');
    const written = writeCifar10(dir, 4);
    const files = [1, 2, 3, 4, 5].map((b) => join(dir, `data_batch_${b}.bin`));
    const set = readCifarBinaries(files, CIFAR10_LAYOUT);
    expect(set.count).toBe(20);
    expect(set.shape).toEqual([32, 32, 3]);
    expect(Array.from(set.labels)).toEqual(written.trainLabels);
    // Pixel (r, c) channel k of image n is plane k at r*32+c of the record.
    for (const [n, r, c, k] of [[0, 0, 0, 0], [7, 5, 9, 2], [19, 31, 31, 1]] as const) {
      expect(set.images[n * 3072 + (r * 32 + c) * 3 + k]).toBe(written.train[n * 3072 + k * 1024 + r * 32 + c]);
    }
  });

  it('reads CIFAR-100 fine and coarse labels', () => {
    const dir = join(tmp.dir, 'c100');
    writeCifar100(dir, 150, 10);
    const fine = readCifarBinaries([join(dir, 'train.bin')], CIFAR100_FINE_LAYOUT);
    const coarse = readCifarBinaries([join(dir, 'train.bin')], CIFAR100_COARSE_LAYOUT);
    expect(fine.labels[120]).toBe(20);
    expect(coarse.labels[120]).toBe(0);
    expect(Math.max(...fine.labels)).toBe(99);
    expect(Math.max(...coarse.labels)).toBe(19);
    expect(Buffer.compare(fine.images as Uint8Array, coarse.images as Uint8Array)).toBe(0);
  });

  it('a file that is not a whole number of records -> size-mismatch', () => {
    const file = join(tmp.dir, 'short.bin');
    writeFileSync(file, cifarRecords(randomBytes(2 * 3072, 1), [[1], [2]]).subarray(0, 3073 + 100));
    expect(() => readCifarBinaries([file], CIFAR10_LAYOUT)).toThrow(DatasetFormatError);
    expect(() => readCifarBinaries([file], CIFAR10_LAYOUT)).toThrow(/size-mismatch: 3173 bytes is not a whole number of 3073-byte records/);
  });

  it('label out of range -> label-out-of-range naming the file and record', () => {
    const file = join(tmp.dir, 'bad-label.bin');
    writeFileSync(file, cifarRecords(randomBytes(3 * 3072, 2), [[1], [2], [10]]));
    expect(() => readCifarBinaries([file], CIFAR10_LAYOUT)).toThrow(`${file}: label-out-of-range: label 10 at index 2`);
  });

  it('reads class names from the names file, else falls back', () => {
    writeFileSync(join(tmp.dir, 'names.txt'), 'a\nb\n\n');
    expect(readCifarClassNames(tmp.dir, 'names.txt', 2, ['x', 'y'])).toEqual(['a', 'b']);
    expect(readCifarClassNames(tmp.dir, 'names.txt', 3, ['x', 'y', 'z'])).toEqual(['x', 'y', 'z']);
    expect(readCifarClassNames(tmp.dir, 'absent.txt', 2, ['x', 'y'])).toEqual(['x', 'y']);
  });
});
