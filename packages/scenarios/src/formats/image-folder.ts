import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@retain/core';
import { DatasetFormatError } from '../errors/dataset-errors.js';
import { checkFinite, checkLabelRange, imageSize, type ImageDataset, type LabeledImages } from '../datasets/labeled-images.js';
import { writeFileAtomic } from './atomic-write.js';
import { readFileBytes } from './file-bytes.js';
import { encodeNpy, parseNpy } from './npy.js';

/** The file name that marks a directory as a retain image folder. */
export const MANIFEST_FILE = 'manifest.json';
/** The value of the manifest's `format` field. */
export const MANIFEST_FORMAT = 'retain-image-folder';

/** One split's entry in a manifest: two .npy files relative to the manifest. */
export interface ManifestSplit {
  /** .npy of shape (N, H, W) or (N, H, W, C), dtype uint8 (0..255) or float32 (used as given, must be finite). */
  readonly images: string;
  /** .npy of shape (N,), dtype uint8, int32 or int64, values in [0, classNames.length). */
  readonly labels: string;
}

/**
 * manifest.json of a retain image folder (format version 1):
 * `{ "format": "retain-image-folder", "version": 1, "name", "classNames",
 *    "shape"?: [H, W, C], "train": {images, labels}, "test": {images, labels} }`.
 */
export interface ImageFolderManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  /** Dataset name (used in scenario sources and errors). */
  readonly name: string;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  /** Optional expected image shape; images of another shape throw 'shape-mismatch'. */
  readonly shape?: readonly [number, number, number];
  /** Training split. */
  readonly train: ManifestSplit;
  /** Test split. */
  readonly test: ManifestSplit;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function checkManifest(raw: unknown, file: string): ImageFolderManifest {
  const bad = (detail: string): never => {
    throw new DatasetFormatError(file, 'bad-manifest', detail);
  };
  if (typeof raw !== 'object' || raw === null) return bad('the manifest must be a JSON object');
  const m = raw as Record<string, unknown>;
  if (m['format'] !== MANIFEST_FORMAT) bad(`"format" must be "${MANIFEST_FORMAT}", got ${JSON.stringify(m['format'])}`);
  if (m['version'] !== 1) bad(`"version" must be 1, got ${JSON.stringify(m['version'])}`);
  if (typeof m['name'] !== 'string' || m['name'].length === 0) bad('"name" must be a non-empty string');
  if (!isStringArray(m['classNames']) || m['classNames'].length === 0) bad('"classNames" must be a non-empty array of strings');
  const shape = m['shape'];
  if (shape !== undefined && !(Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && (d as number) > 0))) {
    bad('"shape", when given, must be [height, width, channels] of positive integers');
  }
  for (const split of ['train', 'test']) {
    const s = m[split] as Record<string, unknown> | undefined;
    if (typeof s !== 'object' || s === null || typeof s['images'] !== 'string' || typeof s['labels'] !== 'string') {
      bad(`"${split}" must be {"images": "<file>.npy", "labels": "<file>.npy"}`);
    }
  }
  return m as unknown as ImageFolderManifest;
}

function readSplit(dir: string, split: ManifestSplit, numClasses: number, expectedShape: ImageFolderManifest['shape']): { set: LabeledImages; files: string[] } {
  const imagesFile = resolve(dir, split.images);
  const labelsFile = resolve(dir, split.labels);
  const images = parseNpy(readFileBytes(imagesFile).bytes, imagesFile);
  if (images.dtype !== 'uint8' && images.dtype !== 'float32') {
    throw new DatasetFormatError(imagesFile, 'unsupported-data-type', `images must be uint8 or float32, got ${images.dtype}`);
  }
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new DatasetFormatError(imagesFile, 'shape-mismatch', `images must have shape (N, H, W) or (N, H, W, C), got (${images.shape.join(', ')})`);
  }
  const [count = 0, h = 0, w = 0, c = 1] = images.shape;
  if (expectedShape && (expectedShape[0] !== h || expectedShape[1] !== w || expectedShape[2] !== c)) {
    throw new DatasetFormatError(imagesFile, 'shape-mismatch', `the manifest says images are ${expectedShape.join('x')}, this file holds ${h}x${w}x${c}`);
  }
  const labelsNpy = parseNpy(readFileBytes(labelsFile).bytes, labelsFile);
  if (labelsNpy.shape.length !== 1) throw new DatasetFormatError(labelsFile, 'shape-mismatch', `labels must have shape (N,), got (${labelsNpy.shape.join(', ')})`);
  if (labelsNpy.dtype === 'float32') throw new DatasetFormatError(labelsFile, 'unsupported-data-type', 'labels must be integers (uint8, int32 or int64), got float32');
  const labels = toInt32Labels(labelsNpy.values as Uint8Array | Int32Array | BigInt64Array, labelsFile);
  if (labels.length !== count) {
    throw new DatasetFormatError(labelsFile, 'count-mismatch', `${labels.length} labels but ${imagesFile} holds ${count} images`);
  }
  checkLabelRange(labels, numClasses, labelsFile);
  const pixels = images.values as Uint8Array | Float32Array;
  if (pixels instanceof Float32Array) checkFinite(pixels, h * w * c, imagesFile);
  return { set: { images: pixels, labels, count, shape: [h, w, c] }, files: [imagesFile, labelsFile] };
}

function toInt32Labels(values: Uint8Array | Int32Array | BigInt64Array, file: string): Int32Array {
  if (values instanceof Int32Array) return values;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (typeof v === 'bigint' && (v < -0x80000000n || v > 0x7fffffffn)) {
      throw new DatasetFormatError(file, 'label-out-of-range', `label ${v} at index ${i} does not fit a 32-bit integer`);
    }
    out[i] = Number(v);
  }
  return out;
}

/** Whether `dir` holds a retain image folder manifest. */
export function isImageFolder(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE));
}

/**
 * Reads a user's dataset from a retain image folder: `dir/manifest.json`
 * plus the .npy files it names (see {@link ImageFolderManifest}). Every
 * check of the IDX readers applies, plus NaN/Infinity in float images.
 */
export function readImageFolder(dir: string): ImageDataset {
  const manifestFile = resolve(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (error) {
    throw new DatasetFormatError(manifestFile, 'bad-manifest', `cannot read the manifest as JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  const manifest = checkManifest(raw, manifestFile);
  const numClasses = manifest.classNames.length;
  const train = readSplit(dir, manifest.train, numClasses, manifest.shape);
  const test = readSplit(dir, manifest.test, numClasses, manifest.shape ?? train.set.shape);
  return {
    name: manifest.name,
    classNames: [...manifest.classNames],
    train: train.set,
    test: test.set,
    source: `${manifest.name} from ${resolve(dir)} (retain image folder)`,
    files: [manifestFile, ...train.files, ...test.files],
  };
}

/**
 * Writes `dataset` as a retain image folder in `dir` (manifest.json,
 * train-images.npy, train-labels.npy, test-images.npy, test-labels.npy),
 * each file through a temp file and a rename.
 */
export function writeImageFolder(dir: string, dataset: Pick<ImageDataset, 'name' | 'classNames' | 'train' | 'test'>): string {
  if (dataset.classNames.length === 0) throw new InvalidArgumentError('classNames', dataset.classNames, 'at least one class name');
  const manifest: ImageFolderManifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    name: dataset.name,
    classNames: [...dataset.classNames],
    shape: [...dataset.train.shape],
    train: { images: 'train-images.npy', labels: 'train-labels.npy' },
    test: { images: 'test-images.npy', labels: 'test-labels.npy' },
  };
  for (const [split, set] of [['train', dataset.train], ['test', dataset.test]] as const) {
    if (set.images.length !== set.count * imageSize(set.shape)) {
      throw new InvalidArgumentError(`${split}.images.length`, set.images.length, `${set.count} x ${set.shape.join(' x ')}`);
    }
    writeFileAtomic(join(dir, `${split}-images.npy`), encodeNpy(set.images, [set.count, ...set.shape]));
    writeFileAtomic(join(dir, `${split}-labels.npy`), encodeNpy(set.labels, [set.count]));
  }
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return resolve(dir);
}
