// Helpers for the tests of this package: they write small valid data files
// (IDX, CIFAR binary, zip) into temp directories. Excluded from the build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { Rng } from '@retain/core';
import { encodeIdx } from '../formats/idx-writer.js';

/** A fresh temp directory and a function removing it. */
export function tempDir(prefix = 'retain-scenarios-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random bytes. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const rng = Rng.fromSeed(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextInt(256);
  return out;
}

/** Labels 0..numClasses-1 repeated (balanced) for `count` items. */
export function cyclicLabels(count: number, numClasses: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => i % numClasses);
}

/** A small synthetic split: random pixels, cyclic labels. */
export interface SyntheticSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** Synthetic uint8 images of h x w (x c) with cyclic labels. */
export function syntheticSplit(count: number, size: number, numClasses: number, seed: number): SyntheticSplit {
  return { images: randomBytes(count * size, seed), labels: cyclicLabels(count, numClasses), count };
}

/**
 * Writes an MNIST-layout dataset (4 IDX files, gzip unless `gzip` is false)
 * into `dir` and returns the splits written.
 */
export function writeIdxDataset(
  dir: string,
  options: { trainCount: number; testCount: number; height?: number; width?: number; numClasses?: number; seed?: number; gzip?: boolean; prefix?: string },
): { train: SyntheticSplit; test: SyntheticSplit } {
  const h = options.height ?? 28;
  const w = options.width ?? 28;
  const k = options.numClasses ?? 10;
  const seed = options.seed ?? 1;
  const prefix = options.prefix ?? '';
  const gz = options.gzip ?? true;
  mkdirSync(dir, { recursive: true });
  const train = syntheticSplit(options.trainCount, h * w, k, seed);
  const test = syntheticSplit(options.testCount, h * w, k, seed + 1);
  const write = (name: string, bytes: Uint8Array): void => writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  write(`${prefix}train-images-idx3-ubyte`, encodeIdx([train.count, h, w], train.images));
  write(`${prefix}train-labels-idx1-ubyte`, encodeIdx([train.count], train.labels));
  write(`${prefix}t10k-images-idx3-ubyte`, encodeIdx([test.count, h, w], test.images));
  write(`${prefix}t10k-labels-idx1-ubyte`, encodeIdx([test.count], test.labels));
  return { train, test };
}

/** CIFAR binary records: per image the label byte(s), then R, G, B planes (CHW). */
export function cifarRecords(chwImages: Uint8Array, labels: readonly (readonly number[])[]): Uint8Array {
  const labelBytes = labels[0]?.length ?? 1;
  const record = labelBytes + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((l, i) => {
    out.set(l, i * record);
    out.set(chwImages.subarray(i * 3072, (i + 1) * 3072), i * record + labelBytes);
  });
  return out;
}

/** Writes a CIFAR-10 binary layout (5 train batches + test batch) with `perBatch` images each. */
export function writeCifar10(dir: string, perBatch: number, seed = 3): { train: Uint8Array; trainLabels: number[]; test: Uint8Array; testLabels: number[] } {
  mkdirSync(dir, { recursive: true });
  const train = randomBytes(5 * perBatch * 3072, seed);
  const trainLabels = Array.from({ length: 5 * perBatch }, (_, i) => i % 10);
  for (let b = 0; b < 5; b++) {
    const chw = train.subarray(b * perBatch * 3072, (b + 1) * perBatch * 3072);
    writeFileSync(join(dir, `data_batch_${b + 1}.bin`), cifarRecords(chw, trainLabels.slice(b * perBatch, (b + 1) * perBatch).map((l) => [l])));
  }
  const test = randomBytes(perBatch * 3072, seed + 1);
  const testLabels = Array.from({ length: perBatch }, (_, i) => (i * 3) % 10);
  writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(test, testLabels.map((l) => [l])));
  return { train, trainLabels, test, testLabels };
}

/** Writes a CIFAR-100 binary layout (train.bin, test.bin) with fine label i % 100 and coarse label i % 20. */
export function writeCifar100(dir: string, trainCount: number, testCount: number, seed = 5): void {
  mkdirSync(dir, { recursive: true });
  const labels = (n: number) => Array.from({ length: n }, (_, i) => [i % 20, i % 100]);
  writeFileSync(join(dir, 'train.bin'), cifarRecords(randomBytes(trainCount * 3072, seed), labels(trainCount)));
  writeFileSync(join(dir, 'test.bin'), cifarRecords(randomBytes(testCount * 3072, seed + 1), labels(testCount)));
}

/** A zip archive of `files` (stored, no compression), enough for the zip extraction tests. */
export function storedZip(files: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, Buffer.from(data));
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}
