import { DatasetFormatError } from '../errors/dataset-errors.js';
import { checkLabelRange, type LabeledImages } from '../datasets/labeled-images.js';
import { readFileBytes, type FileBytes } from './file-bytes.js';

/** IDX element types by their type code (third magic byte), with their sizes in bytes. */
const IDX_TYPES: Readonly<Record<number, { name: string; bytes: number }>> = {
  0x08: { name: 'unsigned byte', bytes: 1 },
  0x09: { name: 'signed byte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
};

/** A parsed IDX file: its dimensions, element type and data (a view, not a copy). */
export interface IdxArray {
  /** Dimensions from the header, outermost first. */
  readonly dims: readonly number[];
  /** Element type code: 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double. */
  readonly typeCode: number;
  /** The data bytes after the header (big-endian for multi-byte types). */
  readonly data: Uint8Array;
}

/**
 * Parses IDX bytes (LeCun's format used by MNIST, Fashion-MNIST, KMNIST,
 * EMNIST): magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32 sizes,
 * data. Throws 'bad-magic' or 'size-mismatch' naming `file`.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DatasetFormatError(file, 'bad-magic', `only ${bytes.length} bytes, too short for an IDX header`);
  const [z0, z1, typeCode = 0, ndims = 0] = bytes;
  const type = IDX_TYPES[typeCode];
  const magic = `0x${[z0, z1, typeCode, ndims].map((b) => (b ?? 0).toString(16).padStart(2, '0')).join('')}`;
  if (z0 !== 0 || z1 !== 0 || type === undefined || ndims < 1) {
    throw new DatasetFormatError(file, 'bad-magic', `magic number ${magic} is not an IDX magic (0x0000TTDD: type 08/09/0B/0C/0D/0E, >= 1 dims)`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DatasetFormatError(file, 'size-mismatch', `the header declares ${ndims} dimensions but the file has only ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1) * type.bytes;
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    throw new DatasetFormatError(
      file,
      'size-mismatch',
      `the header says ${dims.join(' x ')} ${type.name} values (${expected} bytes of data) but the file holds ${actual} bytes after its ${headerBytes}-byte header`,
    );
  }
  return { dims, typeCode, data: bytes.subarray(headerBytes) };
}

/** Options of {@link readIdxImages}. */
export interface IdxImageOptions {
  /** Expected [height, width]; a file of another shape throws 'shape-mismatch'. */
  readonly expectedShape?: readonly [number, number];
  /** Swap rows and columns of every image (EMNIST stores images transposed). Default false. */
  readonly transpose?: boolean;
}

/** Images read from an IDX file. */
export interface IdxImages {
  /** N x H x W pixels (a view of the decompressed file unless transposed). */
  readonly images: Uint8Array;
  /** N. */
  readonly count: number;
  /** H. */
  readonly height: number;
  /** W. */
  readonly width: number;
  /** The bytes as read (for checksums). */
  readonly file: FileBytes;
}

function requireUnsignedBytes(idx: IdxArray, file: string, what: string): void {
  if (idx.typeCode !== 0x08) {
    const type = IDX_TYPES[idx.typeCode]?.name ?? 'unknown';
    throw new DatasetFormatError(file, 'unsupported-data-type', `${what} must be unsigned bytes (type 0x08), this file holds ${type} (0x${idx.typeCode.toString(16)})`);
  }
}

/** Parses IDX image bytes (ubyte, 3 dims N x H x W) already read from `file`. */
export function idxImagesFromBytes(fileBytes: FileBytes, options: IdxImageOptions = {}): IdxImages {
  const file = fileBytes.file;
  const idx = parseIdx(fileBytes.bytes, file);
  requireUnsignedBytes(idx, file, 'images');
  if (idx.dims.length !== 3) {
    throw new DatasetFormatError(file, 'shape-mismatch', `image files have 3 dimensions (N x H x W), this one has ${idx.dims.length}: ${idx.dims.join(' x ')}`);
  }
  const [count = 0, rows = 0, cols = 0] = idx.dims;
  const [height, width] = options.transpose ? [cols, rows] : [rows, cols];
  const want = options.expectedShape;
  if (want && (want[0] !== height || want[1] !== width)) {
    throw new DatasetFormatError(file, 'shape-mismatch', `expected ${want[0]}x${want[1]} images, the file holds ${height}x${width}`);
  }
  const images = options.transpose ? transposeImages(idx.data, count, rows, cols) : idx.data;
  return { images, count, height, width, file: fileBytes };
}

/** Reads an IDX image file (gzip or raw). */
export function readIdxImages(path: string, options: IdxImageOptions = {}): IdxImages {
  return idxImagesFromBytes(readFileBytes(path), options);
}

/** Swaps rows and columns of `count` images of rows x cols into a new array. */
export function transposeImages(data: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(data.length);
  const size = rows * cols;
  for (let n = 0; n < count; n++) {
    const base = n * size;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[base + c * rows + r] = data[base + r * cols + c] ?? 0;
  }
  return out;
}

/** Labels read from an IDX file. */
export interface IdxLabels {
  /** One label per item, minus `labelOffset`. */
  readonly labels: Int32Array;
  /** The bytes as read (for checksums). */
  readonly file: FileBytes;
}

/** Parses IDX label bytes (ubyte, 1 dim); `labelOffset` is subtracted (EMNIST letters count from 1). */
export function idxLabelsFromBytes(fileBytes: FileBytes, labelOffset = 0): IdxLabels {
  const file = fileBytes.file;
  const idx = parseIdx(fileBytes.bytes, file);
  requireUnsignedBytes(idx, file, 'labels');
  if (idx.dims.length !== 1) {
    throw new DatasetFormatError(file, 'shape-mismatch', `label files have 1 dimension, this one has ${idx.dims.length}: ${idx.dims.join(' x ')}`);
  }
  const labels = new Int32Array(idx.data.length);
  for (let i = 0; i < labels.length; i++) labels[i] = (idx.data[i] ?? 0) - labelOffset;
  return { labels, file: fileBytes };
}

/** Reads an IDX label file (gzip or raw). */
export function readIdxLabels(path: string, labelOffset = 0): IdxLabels {
  return idxLabelsFromBytes(readFileBytes(path), labelOffset);
}

/**
 * Pairs images with labels, checking that the counts agree and that every
 * label is in [0, numClasses). The result shares the image bytes.
 */
export function pairIdx(images: IdxImages, labels: IdxLabels, numClasses: number): LabeledImages {
  if (images.count !== labels.labels.length) {
    throw new DatasetFormatError(
      labels.file.file,
      'count-mismatch',
      `${labels.labels.length} labels but ${images.file.file} holds ${images.count} images`,
    );
  }
  checkLabelRange(labels.labels, numClasses, labels.file.file);
  return { images: images.images, labels: labels.labels, count: images.count, shape: [images.height, images.width, 1] };
}
