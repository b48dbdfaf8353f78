import { InvalidArgumentError } from '@retain/core';
import { DatasetFormatError } from '../errors/dataset-errors.js';

/** The NumPy dtypes this reader understands (little-endian or byte-sized only). */
export type NpyDtype = 'uint8' | 'int32' | 'int64' | 'float32';

const DESCR_TO_DTYPE: Readonly<Record<string, NpyDtype>> = {
  '|u1': 'uint8',
  '<u1': 'uint8',
  'u1': 'uint8',
  '<i4': 'int32',
  '<i8': 'int64',
  '<f4': 'float32',
};
const DTYPE_BYTES: Readonly<Record<NpyDtype, number>> = { uint8: 1, int32: 4, int64: 8, float32: 4 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A parsed .npy array: dtype, shape and the data bytes (a view when aligned, else a copy). */
export interface NpyArray {
  /** Element type. */
  readonly dtype: NpyDtype;
  /** Shape, C order. */
  readonly shape: readonly number[];
  /** The values (int64 arrives as BigInt64Array). */
  readonly values: Uint8Array | Int32Array | Float32Array | BigInt64Array;
}

function field(header: string, name: string, pattern: string, file: string): string {
  const match = new RegExp(`['"]${name}['"]\\s*:\\s*${pattern}`).exec(header);
  if (match?.[1] === undefined) throw new DatasetFormatError(file, 'bad-magic', `.npy header lacks '${name}': ${header.trim()}`);
  return match[1];
}

/**
 * Parses NumPy's .npy format (versions 1-3): magic \x93NUMPY, version, header
 * length, a Python dict literal {'descr', 'fortran_order', 'shape'}, data.
 * Supports C-order uint8, int32, int64 and float32 (little-endian).
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DatasetFormatError(file, 'bad-magic', 'not a .npy file (it must start with \\x93NUMPY)');
  }
  const major = bytes[6] ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new DatasetFormatError(file, 'bad-magic', `.npy version ${major} is not 1, 2 or 3`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DatasetFormatError(file, 'size-mismatch', '.npy file ends inside its header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) throw new DatasetFormatError(file, 'size-mismatch', `.npy header of ${headerLen} bytes runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, dataStart));
  const descr = field(header, 'descr', `['"]([^'"]*)['"]`, file);
  const fortran = field(header, 'fortran_order', '(True|False)', file);
  const shapeText = field(header, 'shape', '\\(([^)]*)\\)', file);
  const dtype = DESCR_TO_DTYPE[descr];
  if (dtype === undefined) {
    throw new DatasetFormatError(file, 'unsupported-data-type', `.npy dtype '${descr}' is not supported (use uint8, little-endian int32/int64 or float32)`);
  }
  if (fortran !== 'False') throw new DatasetFormatError(file, 'unsupported-data-type', '.npy array is in Fortran order; save it in C order (np.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new DatasetFormatError(file, 'bad-magic', `.npy shape '(${shapeText})' is not a tuple of sizes`);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * DTYPE_BYTES[dtype];
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    throw new DatasetFormatError(file, 'size-mismatch', `.npy header says shape (${shape.join(', ')}) of ${dtype} = ${expected} bytes, the file holds ${actual}`);
  }
  const data = bytes.subarray(dataStart);
  return { dtype, shape, values: typedView(data, dtype, count) };
}

function typedView(data: Uint8Array, dtype: NpyDtype, count: number): NpyArray['values'] {
  if (dtype === 'uint8') return data;
  const width = DTYPE_BYTES[dtype];
  const aligned = data.byteOffset % width === 0 ? data : data.slice();
  if (dtype === 'int32') return new Int32Array(aligned.buffer, aligned.byteOffset, count);
  if (dtype === 'float32') return new Float32Array(aligned.buffer, aligned.byteOffset, count);
  return new BigInt64Array(aligned.buffer, aligned.byteOffset, count);
}

/**
 * Encodes a typed array as .npy (version 1.0, C order, header padded so the
 * data starts on a 64-byte boundary), readable by numpy.load.
 */
export function encodeNpy(values: Uint8Array | Int32Array | Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== values.length) {
    throw new InvalidArgumentError('shape', shape, `sizes whose product is ${values.length}`);
  }
  const descr = values instanceof Uint8Array ? '|u1' : values instanceof Int32Array ? '<i4' : '<f4';
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + header.length);
  return out;
}
