import { InvalidArgumentError, RetainError } from '@retain/core';
import { MAX_CODE_BITS, packCodes, packedWordCount, unpackCodes } from '@retain/masks';
import { checkMaxBits } from './fixed-point.js';

/**
 * BLIP's model as stored for inference (ours): every quantised weight at its
 * frozen bit count b, as the integer k of its grid value k / 2^b * bound
 * (k in [-2^b, 2^b], stored as k + 2^b in b + 2 bits), weights with 0 frozen
 * bits as float32 (they are not on a grid), the bit count of each weight in
 * ceil(log2(maxBits + 1)) bits; every other tensor inference needs (per-task
 * heads, batch-norm parameters and statistics) as float32.
 *
 * Layout, little-endian:
 * - header: magic `RBLP`, format version (u8, 1), maxBits (u8), quantised
 *   tensor count (u16), float tensor count (u16);
 * - per quantised tensor: name length (u16) and UTF-8 name, size (u32), bound
 *   (f64), the bit counts packed densely into 32-bit words (`packCodes` of
 *   @retain/masks), then per bit count b = 0 ... maxBits the weights with b
 *   bits in index order: b = 0 as float32, b > 0 as (b + 2)-bit codes packed
 *   into 32-bit words (codes wider than 16 bits as two packed streams, the
 *   low 16 bits then the rest);
 * - per float tensor: name length (u16) and UTF-8 name, size (u32), float32 values.
 */

/** Magic bytes of a serialised BLIP model. */
export const BLIP_MODEL_MAGIC = 'RBLP';
/** Format version written. */
export const BLIP_MODEL_VERSION = 1;

/** A tensor stored at its frozen bits: its values must lie on their grids (as after a BLIP sync). */
export interface BlipQuantizedTensor {
  readonly name: string;
  readonly values: Float32Array;
  readonly bits: Uint8Array;
  readonly bound: number;
}

/** A tensor stored as float32. */
export interface BlipFloatTensor {
  readonly name: string;
  readonly values: Float32Array;
}

/** Everything a BLIP model's inference needs. */
export interface BlipModelParts {
  readonly maxBits: number;
  readonly quantized: readonly BlipQuantizedTensor[];
  readonly float: readonly BlipFloatTensor[];
}

/** Where the bytes of a serialised BLIP model go. */
export interface BlipStoredBytes {
  /** Length of the serialised bytes. */
  readonly total: number;
  /** Magic, version, counts, names, sizes and bounds. */
  readonly header: number;
  /** Packed bit counts, one per quantised weight. */
  readonly bitCounts: number;
  /** The quantised weights (grid codes, and float32 for weights with 0 bits). */
  readonly quantized: number;
  /** Float32 tensors (heads, batch norm). */
  readonly float: number;
  /** One dense float32 model of the same network: 4 bytes per learnable value (what Ada-QPacknet's report compares with). */
  readonly denseModel: number;
}

/** A serialised BLIP model that cannot be read or written; `field` names the part at fault. */
export class BlipModelCodecError extends RetainError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('BLIP_MODEL_CODEC', `BLIP model ${field}: ${message}`);
    this.name = 'BlipModelCodecError';
    this.field = field;
  }
}

/** Bits of one stored bit count: ceil(log2(maxBits + 1)). */
export function bitCountWidth(maxBits: number): number {
  checkMaxBits(maxBits);
  return Math.ceil(Math.log2(maxBits + 1));
}

/** The value of grid code k at b bits: clamp(k / 2^b * bound) as BLIP's sync computes it. */
function gridValue(k: number, b: number, bound: number): number {
  const v = (k / 2 ** b) * bound;
  return Math.fround(v < -bound ? -bound : v > bound ? bound : v);
}

class ByteWriter {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  scalar(kind: 'u8' | 'u16' | 'u32' | 'f64', value: number): void {
    const size = kind === 'u8' ? 1 : kind === 'u16' ? 2 : kind === 'u32' ? 4 : 8;
    const view = new DataView(new ArrayBuffer(size));
    if (kind === 'u8') view.setUint8(0, value);
    else if (kind === 'u16') view.setUint16(0, value, true);
    else if (kind === 'u32') view.setUint32(0, value, true);
    else view.setFloat64(0, value, true);
    this.push(new Uint8Array(view.buffer));
  }
  words(words: Uint32Array): void {
    const bytes = new Uint8Array(words.length * 4);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => view.setUint32(i * 4, w, true));
    this.push(bytes);
  }
  floats(values: Float32Array): void {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.push(bytes);
  }
  name(name: string): void {
    const utf8 = new TextEncoder().encode(name);
    if (utf8.length > 0xffff) throw new InvalidArgumentError('name', name, 'at most 65,535 UTF-8 bytes');
    this.scalar('u16', utf8.length);
    this.push(utf8);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Codes of `width` bits (any width up to 32) as one or two packed streams. */
function writeCodes(w: ByteWriter, codes: Uint32Array, width: number): void {
  if (width <= MAX_CODE_BITS) {
    w.words(packCodes(codes, width));
    return;
  }
  w.words(packCodes(codes.map((c) => c & 0xffff), MAX_CODE_BITS));
  w.words(packCodes(codes.map((c) => c >>> MAX_CODE_BITS), width - MAX_CODE_BITS));
}

/** Serialises `parts` (see the layout above). Throws if a quantised value is not on its grid or a bit count exceeds maxBits. */
export function encodeBlipModel(parts: BlipModelParts): { bytes: Uint8Array; breakdown: Omit<BlipStoredBytes, 'denseModel'> } {
  const countWidth = bitCountWidth(parts.maxBits);
  const w = new ByteWriter();
  let header = 0;
  let bitCounts = 0;
  let quantized = 0;
  let float = 0;
  const mark = (): number => w.length;
  let at = mark();
  w.push(new TextEncoder().encode(BLIP_MODEL_MAGIC));
  w.scalar('u8', BLIP_MODEL_VERSION);
  w.scalar('u8', parts.maxBits);
  w.scalar('u16', parts.quantized.length);
  w.scalar('u16', parts.float.length);
  header += mark() - at;
  for (const t of parts.quantized) {
    if (t.bits.length !== t.values.length) throw new InvalidArgumentError(`${t.name}.bits.length`, t.bits.length, `${t.values.length} (one per weight)`);
    if (!(t.bound > 0 && Number.isFinite(t.bound))) throw new InvalidArgumentError(`${t.name}.bound`, t.bound, 'a finite number > 0');
    at = mark();
    w.name(t.name);
    w.scalar('u32', t.values.length);
    w.scalar('f64', t.bound);
    header += mark() - at;
    at = mark();
    const bad = t.bits.findIndex((b) => b > parts.maxBits);
    if (bad >= 0) throw new InvalidArgumentError(`${t.name}.bits[${bad}]`, t.bits[bad], `at most maxBits = ${parts.maxBits}`);
    w.words(packCodes(t.bits, countWidth));
    bitCounts += mark() - at;
    at = mark();
    for (let b = 0; b <= parts.maxBits; b++) {
      const indices: number[] = [];
      t.bits.forEach((bits, i) => {
        if (bits === b) indices.push(i);
      });
      if (b === 0) {
        w.floats(Float32Array.from(indices, (i) => t.values[i] as number));
        continue;
      }
      const offset = 2 ** b;
      const codes = Uint32Array.from(indices, (i) => {
        const v = t.values[i] as number;
        const k = Math.round((v / t.bound) * offset);
        if (gridValue(k, b, t.bound) !== v) throw new BlipModelCodecError(`${t.name}[${i}]`, `value ${v} is not on the grid of ${b} bits (bound ${t.bound}): serialise after a sync`);
        return k + offset;
      });
      writeCodes(w, codes, b + 2);
    }
    quantized += mark() - at;
  }
  for (const t of parts.float) {
    at = mark();
    w.name(t.name);
    w.scalar('u32', t.values.length);
    header += mark() - at;
    at = mark();
    w.floats(t.values);
    float += mark() - at;
  }
  const bytes = w.bytes();
  return { bytes, breakdown: { total: bytes.length, header, bitCounts, quantized, float } };
}

class ByteReader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  private need(n: number, what: string): number {
    if (this.at + n > this.data.length) throw new BlipModelCodecError(what, `truncated at byte ${this.at} (needs ${n} more, ${this.data.length - this.at} left)`);
    const start = this.at;
    this.at += n;
    return start;
  }
  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }
  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), true);
  }
  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }
  f64(what: string): number {
    return this.view.getFloat64(this.need(8, what), true);
  }
  words(count: number, what: string): Uint32Array {
    const start = this.need(count * 4, what);
    return Uint32Array.from({ length: count }, (_, i) => this.view.getUint32(start + i * 4, true));
  }
  floats(count: number, what: string): Float32Array {
    const start = this.need(count * 4, what);
    return Float32Array.from({ length: count }, (_, i) => this.view.getFloat32(start + i * 4, true));
  }
  name(what: string): string {
    const n = this.u16(what);
    return new TextDecoder().decode(this.data.subarray(this.need(n, what), this.at));
  }
  get done(): boolean {
    return this.at === this.data.length;
  }
}

function readCodes(r: ByteReader, count: number, width: number, what: string): Uint32Array {
  if (width <= MAX_CODE_BITS) return Uint32Array.from(unpackCodes(r.words(packedWordCount(count, width), what), width, count));
  const low = unpackCodes(r.words(packedWordCount(count, MAX_CODE_BITS), what), MAX_CODE_BITS, count);
  const high = unpackCodes(r.words(packedWordCount(count, width - MAX_CODE_BITS), what), width - MAX_CODE_BITS, count);
  return Uint32Array.from(low, (l, i) => l + (high[i] as number) * 2 ** MAX_CODE_BITS);
}

/** Reads bytes written by {@link encodeBlipModel}: every tensor's values (bit-identical to those encoded) and, for quantised ones, bits and bound. */
export function decodeBlipModel(bytes: Uint8Array): BlipModelParts {
  const r = new ByteReader(bytes);
  const magic = String.fromCharCode(r.u8('magic'), r.u8('magic'), r.u8('magic'), r.u8('magic'));
  if (magic !== BLIP_MODEL_MAGIC) throw new BlipModelCodecError('magic', `expected ${BLIP_MODEL_MAGIC}, got ${JSON.stringify(magic)}`);
  const version = r.u8('version');
  if (version !== BLIP_MODEL_VERSION) throw new BlipModelCodecError('version', `expected ${BLIP_MODEL_VERSION}, got ${version}`);
  const maxBits = r.u8('maxBits');
  const countWidth = bitCountWidth(maxBits);
  const quantizedCount = r.u16('quantised tensor count');
  const floatCount = r.u16('float tensor count');
  const quantized: BlipQuantizedTensor[] = [];
  for (let q = 0; q < quantizedCount; q++) {
    const name = r.name(`quantised tensor ${q} name`);
    const size = r.u32(`${name} size`);
    const bound = r.f64(`${name} bound`);
    const bits = Uint8Array.from(unpackCodes(r.words(packedWordCount(size, countWidth), `${name} bit counts`), countWidth, size));
    const bad = bits.findIndex((b) => b > maxBits);
    if (bad >= 0) throw new BlipModelCodecError(`${name} bit counts`, `weight ${bad} has ${bits[bad]} bits, more than maxBits ${maxBits}`);
    const values = new Float32Array(size);
    for (let b = 0; b <= maxBits; b++) {
      const indices: number[] = [];
      bits.forEach((x, i) => {
        if (x === b) indices.push(i);
      });
      if (b === 0) {
        r.floats(indices.length, `${name} free weights`).forEach((v, j) => (values[indices[j] as number] = v));
        continue;
      }
      const offset = 2 ** b;
      readCodes(r, indices.length, b + 2, `${name} ${b}-bit weights`).forEach((u, j) => {
        if (u > 2 * offset) throw new BlipModelCodecError(`${name} ${b}-bit weights`, `code ${u} beyond ${2 * offset}`);
        values[indices[j] as number] = gridValue(u - offset, b, bound);
      });
    }
    quantized.push({ name, values, bits, bound });
  }
  const float: BlipFloatTensor[] = [];
  for (let f = 0; f < floatCount; f++) {
    const name = r.name(`float tensor ${f} name`);
    const size = r.u32(`${name} size`);
    float.push({ name, values: r.floats(size, `${name} values`) });
  }
  if (!r.done) throw new BlipModelCodecError('end', 'bytes left after the last tensor');
  return { maxBits, quantized, float };
}
