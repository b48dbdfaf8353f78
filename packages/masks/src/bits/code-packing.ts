import { InvalidArgumentError } from '@retain/core';
import { CodeRangeError } from '../errors/mask-errors.js';

/** Widest code {@link packCodes} packs. */
export const MAX_CODE_BITS = 16;

/** Integer codes accepted by {@link packCodes}. */
export type CodeArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | readonly number[];

/** Where {@link unpackCodesInto} may write. */
export type CodeOutput = Uint8Array | Uint16Array | Uint32Array;

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_CODE_BITS) {
    throw new InvalidArgumentError('bits', bits, `an integer in [1, ${MAX_CODE_BITS}]`);
  }
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new InvalidArgumentError('count', count, 'a non-negative integer');
}

/** Number of 32-bit words that `count` codes of `bits` bits fill, packed densely. */
export function packedWordCount(count: number, bits: number): number {
  checkBits(bits);
  checkCount(count);
  return Math.ceil((count * bits) / 32);
}

function findBadCode(codes: CodeArray, from: number, to: number, bits: number): never {
  for (let i = from; i < to; i++) {
    const c = codes[i] ?? 0;
    if (!Number.isInteger(c) || c < 0 || c >= 2 ** bits) throw new CodeRangeError(i, c, bits);
  }
  throw new CodeRangeError(from, codes[from] ?? Number.NaN, bits);
}

/** Plain arrays may hold non-integers and negatives: check them all before packing. */
function checkPlainCodes(codes: readonly number[], bits: number): void {
  const limit = 2 ** bits;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (!Number.isInteger(c) || c < 0 || c >= limit) throw new CodeRangeError(i, c, bits);
  }
}

/** 4-bit codes, 8 per word, unrolled (the Ada-QPacknet case). Range check deferred to one test per call. */
function pack4(codes: CodeArray, words: Uint32Array): number {
  const full = codes.length >>> 3;
  let seen = 0;
  for (let w = 0, i = 0; w < full; w++, i += 8) {
    const c0 = codes[i] ?? 0;
    const c1 = codes[i + 1] ?? 0;
    const c2 = codes[i + 2] ?? 0;
    const c3 = codes[i + 3] ?? 0;
    const c4 = codes[i + 4] ?? 0;
    const c5 = codes[i + 5] ?? 0;
    const c6 = codes[i + 6] ?? 0;
    const c7 = codes[i + 7] ?? 0;
    seen |= c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7;
    words[w] = c0 | (c1 << 4) | (c2 << 8) | (c3 << 12) | (c4 << 16) | (c5 << 20) | (c6 << 24) | (c7 << 28);
  }
  return seen | packAlignedTail(codes, 4, words, full * 8, full);
}

/** 8-bit codes, 4 per word, unrolled. */
function pack8(codes: CodeArray, words: Uint32Array): number {
  const full = codes.length >>> 2;
  let seen = 0;
  for (let w = 0, i = 0; w < full; w++, i += 4) {
    const c0 = codes[i] ?? 0;
    const c1 = codes[i + 1] ?? 0;
    const c2 = codes[i + 2] ?? 0;
    const c3 = codes[i + 3] ?? 0;
    seen |= c0 | c1 | c2 | c3;
    words[w] = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
  }
  return seen | packAlignedTail(codes, 8, words, full * 4, full);
}

/** bits divides 32: every word holds 32 / bits whole codes. Returns the OR of all codes. */
function packAligned(codes: CodeArray, bits: number, words: Uint32Array): number {
  const per = 32 / bits;
  const full = Math.floor(codes.length / per);
  let seen = 0;
  let base = 0;
  for (let w = 0; w < full; w++, base += per) {
    let word = 0;
    for (let j = 0, shift = 0; j < per; j++, shift += bits) {
      const c = codes[base + j] ?? 0;
      seen |= c;
      word |= c << shift;
    }
    words[w] = word;
  }
  return seen | packAlignedTail(codes, bits, words, base, full);
}

/** The last, partial word of an aligned packing. Returns the OR of its codes. */
function packAlignedTail(codes: CodeArray, bits: number, words: Uint32Array, from: number, w: number): number {
  if (from >= codes.length) return 0;
  let word = 0;
  let seen = 0;
  for (let i = from, shift = 0; i < codes.length; i++, shift += bits) {
    const c = codes[i] ?? 0;
    seen |= c;
    word |= c << shift;
  }
  words[w] = word;
  return seen;
}

/** Any width: codes straddle word boundaries. */
function packUnaligned(codes: CodeArray, bits: number, words: Uint32Array): void {
  const n = codes.length;
  let acc = 0;
  let used = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i] ?? 0;
    if (c >>> bits !== 0) findBadCode(codes, i, i + 1, bits);
    acc |= c << used;
    used += bits;
    if (used >= 32) {
      words[w++] = acc;
      used -= 32;
      acc = used === 0 ? 0 : c >>> (bits - used);
    }
  }
  if (used > 0) words[w] = acc;
}

/**
 * Packs `bits`-bit codes (bits in 1..16) densely into 32-bit words: code `i`
 * occupies bits `[i*bits, (i+1)*bits)` of the little-endian bit stream (bit k
 * is bit `k % 32` of word `k >>> 5`), so a code may straddle two words. Unused
 * tail bits are zero. Throws {@link CodeRangeError} for a code outside
 * `[0, 2^bits)` (or a non-integer in a plain array).
 */
export function packCodes(codes: CodeArray, bits: number): Uint32Array {
  checkBits(bits);
  if (Array.isArray(codes)) checkPlainCodes(codes, bits);
  const words = new Uint32Array(packedWordCount(codes.length, bits));
  if (32 % bits === 0) {
    const seen = bits === 4 ? pack4(codes, words) : bits === 8 ? pack8(codes, words) : packAligned(codes, bits, words);
    // One range test for the whole call: the OR of all codes has a bit at or above `bits` iff some code does.
    if (seen >>> bits !== 0) findBadCode(codes, 0, codes.length, bits);
  } else {
    packUnaligned(codes, bits, words);
  }
  return words;
}

/** Unpacks `count` codes packed by {@link packCodes} into `out` (which must hold at least `count`); returns `out`. */
export function unpackCodesInto<T extends CodeOutput>(words: Uint32Array, bits: number, count: number, out: T): T {
  checkBits(bits);
  checkCount(count);
  const needed = packedWordCount(count, bits);
  if (words.length < needed) throw new InvalidArgumentError('words.length', words.length, `at least ${needed} words for ${count} ${bits}-bit codes`);
  if (out.length < count) throw new InvalidArgumentError('out.length', out.length, `at least ${count}`);
  if (bits > 8 && out instanceof Uint8Array) throw new InvalidArgumentError('out', 'Uint8Array', `an array wide enough for ${bits}-bit codes`);
  const mask = (1 << bits) - 1;
  if (32 % bits === 0) {
    const per = 32 / bits;
    const full = Math.floor(count / per);
    let base = 0;
    for (let w = 0; w < full; w++, base += per) {
      const word = words[w] ?? 0;
      for (let j = 0, shift = 0; j < per; j++, shift += bits) out[base + j] = (word >>> shift) & mask;
    }
    if (base < count) {
      const word = words[full] ?? 0;
      for (let i = base, shift = 0; i < count; i++, shift += bits) out[i] = (word >>> shift) & mask;
    }
    return out;
  }
  let bitPos = 0;
  for (let i = 0; i < count; i++, bitPos += bits) {
    const w = bitPos >>> 5;
    const off = bitPos & 31;
    let v = (words[w] ?? 0) >>> off;
    if (off + bits > 32) v |= (words[w + 1] ?? 0) << (32 - off);
    out[i] = v & mask;
  }
  return out;
}

/** Unpacks `count` codes packed by {@link packCodes} (16-bit output holds every width). */
export function unpackCodes(words: Uint32Array, bits: number, count: number): Uint16Array {
  return unpackCodesInto(words, bits, count, new Uint16Array(count));
}
