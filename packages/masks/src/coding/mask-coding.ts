import { InvalidArgumentError } from '@retain/core';
import { BitMask, maskWordCount } from '../bits/bit-mask.js';
import { MaskCodingError } from '../errors/mask-errors.js';
import { MAX_CONTEXT_BITS, rangeDecodeMask, rangeEncodeMask } from './binary-range-coder.js';

/** How the payload of an encoded mask is coded (byte 0 of the encoded form). */
export const MaskCoding = {
  /** Bit-packed, 1 bit per weight, least significant bit first. */
  Raw: 0,
  /** Adaptive binary range coder with a context of the previous bits. */
  Range: 1,
} as const;

/** One of {@link MaskCoding}'s values. */
export type MaskCodingId = (typeof MaskCoding)[keyof typeof MaskCoding];

/** Options of {@link encodeMask}. */
export interface EncodeMaskOptions {
  /**
   * `auto` (default, ours): range-code and keep it only when it is smaller
   * than the bit-packed form; `raw` or `range` force one coding.
   */
  readonly coding?: 'auto' | 'raw' | 'range';
  /** Previous bits the range coder conditions on, 0..12. Default 2 (ours; see the README's measurements). */
  readonly contextBits?: number;
}

/** Default context order of the range coder. */
export const DEFAULT_CONTEXT_BITS = 2;

/** Bytes of the fixed header of an encoded mask. */
export const MASK_HEADER_BYTES = 12;

function rawPayload(mask: BitMask): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(mask.length / 8));
  const words = mask.words;
  for (let b = 0; b < bytes.length; b++) bytes[b] = ((words[b >>> 2] ?? 0) >>> ((b & 3) * 8)) & 0xff;
  return bytes;
}

function withHeader(coding: MaskCodingId, contextBits: number, mask: BitMask, count: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(MASK_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, coding);
  view.setUint8(1, contextBits);
  view.setUint16(2, 0, true);
  view.setUint32(4, mask.length, true);
  view.setUint32(8, count, true);
  out.set(payload, MASK_HEADER_BYTES);
  return out;
}

/**
 * Encodes a binary mask as a self-describing byte string: a 12-byte header
 * (coding u8, context bits u8, reserved u16 = 0, length u32, popcount u32,
 * little-endian) then the payload, bit-packed or range-coded. With
 * `coding: 'auto'` the range-coded form is kept only when it is smaller, so
 * the result is never larger than 12 + ceil(length / 8) bytes.
 */
export function encodeMask(mask: BitMask, options: EncodeMaskOptions = {}): Uint8Array {
  const coding = options.coding ?? 'auto';
  const contextBits = options.contextBits ?? DEFAULT_CONTEXT_BITS;
  if (coding !== 'auto' && coding !== 'raw' && coding !== 'range') {
    throw new InvalidArgumentError('coding', coding, "'auto', 'raw' or 'range'");
  }
  if (!Number.isInteger(contextBits) || contextBits < 0 || contextBits > MAX_CONTEXT_BITS) {
    throw new InvalidArgumentError('contextBits', contextBits, `an integer in [0, ${MAX_CONTEXT_BITS}]`);
  }
  const count = mask.popcount();
  const rawBytes = Math.ceil(mask.length / 8);
  if (coding === 'raw') return withHeader(MaskCoding.Raw, 0, mask, count, rawPayload(mask));
  const ranged = rangeEncodeMask(mask, contextBits);
  if (coding === 'range' || ranged.length < rawBytes) return withHeader(MaskCoding.Range, contextBits, mask, count, ranged);
  return withHeader(MaskCoding.Raw, 0, mask, count, rawPayload(mask));
}

/** What {@link readMaskHeader} finds in the first 12 bytes of an encoded mask. */
export interface EncodedMaskHeader {
  /** The coding of the payload. */
  readonly coding: MaskCodingId;
  /** Context order (range coding) or 0. */
  readonly contextBits: number;
  /** Number of weights. */
  readonly length: number;
  /** Number of ones. */
  readonly popcount: number;
}

/** Reads and checks the header of an encoded mask without decoding the payload. */
export function readMaskHeader(bytes: Uint8Array): EncodedMaskHeader {
  if (bytes.length < MASK_HEADER_BYTES) throw new MaskCodingError(`${bytes.length} bytes is shorter than the ${MASK_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const coding = view.getUint8(0);
  const contextBits = view.getUint8(1);
  const reserved = view.getUint16(2, true);
  const length = view.getUint32(4, true);
  const popcount = view.getUint32(8, true);
  if (coding !== MaskCoding.Raw && coding !== MaskCoding.Range) throw new MaskCodingError(`unknown coding flag ${coding}`);
  if (coding === MaskCoding.Raw && contextBits !== 0) throw new MaskCodingError(`raw coding with context bits ${contextBits} (must be 0)`);
  if (contextBits > MAX_CONTEXT_BITS) throw new MaskCodingError(`context bits ${contextBits} > ${MAX_CONTEXT_BITS}`);
  if (reserved !== 0) throw new MaskCodingError(`reserved field is ${reserved} (must be 0)`);
  if (popcount > length) throw new MaskCodingError(`popcount ${popcount} exceeds length ${length}`);
  return { coding: coding as MaskCodingId, contextBits, length, popcount };
}

/** Decodes a mask made by {@link encodeMask}; checks the payload size and the stored popcount. */
export function decodeMask(bytes: Uint8Array): BitMask {
  const header = readMaskHeader(bytes);
  const payload = bytes.subarray(MASK_HEADER_BYTES);
  let mask: BitMask;
  if (header.coding === MaskCoding.Raw) {
    const expected = Math.ceil(header.length / 8);
    if (payload.length !== expected) throw new MaskCodingError(`raw payload of ${payload.length} bytes, expected ${expected} for ${header.length} weights`);
    const words = new Uint32Array(maskWordCount(header.length));
    for (let b = 0; b < payload.length; b++) words[b >>> 2] = ((words[b >>> 2] ?? 0) | ((payload[b] ?? 0) << ((b & 3) * 8))) >>> 0;
    const tail = header.length & 31;
    if (tail !== 0 && (words[words.length - 1] ?? 0) >>> tail !== 0) throw new MaskCodingError('raw payload has bits set past the mask length');
    mask = new BitMask(header.length, words);
  } else {
    mask = rangeDecodeMask(payload, header.length, header.contextBits);
  }
  const count = mask.popcount();
  if (count !== header.popcount) throw new MaskCodingError(`decoded ${count} ones, header says ${header.popcount}`);
  return mask;
}
