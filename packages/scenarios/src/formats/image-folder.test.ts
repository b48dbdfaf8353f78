import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFromArrays } from '../datasets/labeled-images.js';
import { DatasetFormatError } from '../errors/dataset-errors.js';
import { randomBytes, tempDir } from '../test-support/fixture-files.js';
import { MANIFEST_FILE, readImageFolder, writeImageFolder } from './image-folder.js';
import { encodeNpy, parseNpy } from './npy.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
let counter = 0;
const fresh = () => join(tmp.dir, `folder${counter++}`);

function smallDataset(float = false) {
  const pixels = (n: number, seed: number) => (float ? Float32Array.from(randomBytes(n * 12, seed), (v) => v / 255) : randomBytes(n * 12, seed));
  return datasetFromArrays({
    name: 'toy',
    classNames: ['a', 'b', 'c'],
    train: { images: pixels(6, 1), labels: [0, 1, 2, 0, 1, 2], shape: [2, 2, 3] },
    test: { images: pixels(3, 2), labels: [2, 1, 0], shape: [2, 2, 3] },
  });
}

function npyHeader(file: string): string {
  const bytes = readFileSync(file);
  return bytes.subarray(10, 10 + bytes.readUInt16LE(8)).toString('latin1');
}

describe('.npy codec', () => {
  it('round-trips uint8, int32 and float32 arrays of any shape', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), fc.constantFrom('u8', 'i32', 'f32'), (shape, kind) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = kind === 'u8' ? randomBytes(n, n) : kind === 'i32' ? Int32Array.from({ length: n }, (_, i) => i - 3) : Float32Array.from({ length: n }, (_, i) => i / 7);
        const parsed = parseNpy(encodeNpy(values, shape), 'x.npy');
        expect(parsed.shape).toEqual(shape);
        expect(Array.from(parsed.values as ArrayLike<number>)).toEqual(Array.from(values));
      }),
      { numRuns: 30 },
    );
  });

  it('pads the header so data start on a 64-byte boundary, as numpy does', () => {
    const bytes = encodeNpy(new Float32Array(3), [3]);
    const headerEnd = 10 + new DataView(bytes.buffer).getUint16(8, true);
    expect(headerEnd % 64).toBe(0);
    expect(bytes[headerEnd - 1]).toBe(0x0a);
  });

  it('reads int64 labels (numpy default) and rejects unsupported dtypes and Fortran order', () => {
    const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const data = new BigInt64Array([3n, 4n]);
    const bytes = new Uint8Array(10 + padded.length + 16);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    bytes.set(Buffer.from(padded, 'latin1'), 10);
    bytes.set(new Uint8Array(data.buffer), 10 + padded.length);
    expect(Array.from(parseNpy(bytes, 'l.npy').values as BigInt64Array)).toEqual([3n, 4n]);
    const f8 = Uint8Array.from(bytes);
    f8.set(Buffer.from("'<f8'", 'latin1'), 10 + header.indexOf("'<i8'"));
    expect(() => parseNpy(f8, 'f8.npy')).toThrow(/unsupported-data-type: .npy dtype '<f8'/);
    const fortran = Uint8Array.from(bytes);
    fortran.set(Buffer.from('True, ', 'latin1'), 10 + header.indexOf('False'));
    expect(() => parseNpy(fortran, 'f.npy')).toThrow(/Fortran order/);
    expect(() => parseNpy(Uint8Array.from([1, 2, 3]), 'bad.npy')).toThrow(/bad-magic/);
  });
});

describe('retain image folder (manifest.json + .npy)', () => {
  it('round-trips a uint8 and a float32 dataset', () => {
    for (const float of [false, true]) {
      const dir = fresh();
      const data = smallDataset(float);
      writeImageFolder(dir, data);
      const back = readImageFolder(dir);
      expect(back.name).toBe('toy');
      expect(back.classNames).toEqual(['a', 'b', 'c']);
      expect(back.train.shape).toEqual([2, 2, 3]);
      expect(Array.from(back.train.images)).toEqual(Array.from(data.train.images));
      expect(Array.from(back.test.labels)).toEqual([2, 1, 0]);
      expect(back.train.images).toBeInstanceOf(float ? Float32Array : Uint8Array);
      expect(back.source).toContain('retain image folder');
      expect(back.files).toHaveLength(5);
    }
  });

  it('NaN in float images -> non-finite-value naming the file, image and offset', () => {
    const dir = fresh();
    writeImageFolder(dir, smallDataset(true));
    const images = Float32Array.from({ length: 6 * 12 }, () => 0.5);
    images[2 * 12 + 5] = Number.NaN;
    writeFileSync(join(dir, 'train-images.npy'), encodeNpy(images, [6, 2, 2, 3]));
    expect(() => readImageFolder(dir)).toThrow(DatasetFormatError);
    expect(() => readImageFolder(dir)).toThrow(`${join(dir, 'train-images.npy')}: non-finite-value: value NaN in image 2 at offset 5`);
  });

  it('label out of range, count mismatch, shape mismatch and a bad manifest each give their error', () => {
    const dir = fresh();
    writeImageFolder(dir, smallDataset());
    writeFileSync(join(dir, 'test-labels.npy'), encodeNpy(Int32Array.from([0, 3, 1]), [3]));
    expect(() => readImageFolder(dir)).toThrow(/test-labels.npy: label-out-of-range: label 3 at index 1 is outside \[0, 3\)/);
    writeFileSync(join(dir, 'test-labels.npy'), encodeNpy(Int32Array.from([0, 1]), [2]));
    expect(() => readImageFolder(dir)).toThrow(/test-labels.npy: count-mismatch: 2 labels but .*test-images.npy holds 3 images/);
    writeFileSync(join(dir, 'test-labels.npy'), encodeNpy(Int32Array.from([0, 1, 2]), [3]));
    writeFileSync(join(dir, 'test-images.npy'), encodeNpy(randomBytes(3 * 16, 1), [3, 4, 4]));
    expect(() => readImageFolder(dir)).toThrow(/test-images.npy: shape-mismatch: the manifest says images are 2x2x3, this file holds 4x4x1/);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, classNames: [] }));
    expect(() => readImageFolder(dir)).toThrow(/bad-manifest: "classNames" must be a non-empty array/);
    writeFileSync(join(dir, MANIFEST_FILE), '{ not json');
    expect(() => readImageFolder(dir)).toThrow(/bad-manifest: cannot read the manifest as JSON/);
  });

  it('writes the header numpy expects', () => {
    const dir = fresh();
    writeImageFolder(dir, smallDataset());
    expect(npyHeader(join(dir, 'train-images.npy'))).toMatch(/^\{'descr': '\|u1', 'fortran_order': False, 'shape': \(6, 2, 2, 3\), \}/);
    expect(npyHeader(join(dir, 'train-labels.npy'))).toMatch(/'shape': \(6,\)/);
  });

  it('datasetFromArrays checks sizes, labels and NaN like the readers', () => {
    const base = { name: 'mem', classNames: ['a', 'b'] };
    const test = { images: new Uint8Array(4), labels: [0], shape: [2, 2, 1] as const };
    expect(() => datasetFromArrays({ ...base, train: { images: new Uint8Array(5), labels: [0], shape: [2, 2, 1] }, test })).toThrow(/size-mismatch/);
    expect(() => datasetFromArrays({ ...base, train: { images: new Uint8Array(8), labels: [0], shape: [2, 2, 1] }, test })).toThrow(/count-mismatch/);
    expect(() => datasetFromArrays({ ...base, train: { images: new Uint8Array(4), labels: [2], shape: [2, 2, 1] }, test })).toThrow(/label-out-of-range/);
    expect(() => datasetFromArrays({ ...base, train: { images: Float32Array.of(0, Infinity, 0, 0), labels: [1], shape: [2, 2, 1] }, test })).toThrow(
      /non-finite-value: value Infinity in image 0 at offset 1/,
    );
  });
});
