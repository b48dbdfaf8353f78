import { InvalidArgumentError } from '@retain/core';
import { BitMask } from '../bits/bit-mask.js';
import { MaskCodingError } from '../errors/mask-errors.js';

/**
 * An adaptive binary range coder (the carry-propagating "low/cache" scheme
 * LZMA popularised) with a context model: the probability that the next bit
 * is 0 is estimated from counts of the bits seen after the same previous
 * `contextBits` bits (Krichevsky-Trofimov estimate, counts halved when they
 * reach {@link COUNT_LIMIT} so the model follows masks whose density drifts).
 * A mask of density p costs about H(p) bits per weight: 0.29 bits at p = 5 %.
 */

/** Largest context order accepted (2^12 contexts). */
export const MAX_CONTEXT_BITS = 12;
/** Counts of a context are halved when their sum reaches this. */
export const COUNT_LIMIT = 8192;

const TOP = 1 << 24;
const PROB_ONE = 65536;
const PROB_MIN = 31;
const TWO_32 = 4294967296;

function checkContextBits(contextBits: number): void {
  if (!Number.isInteger(contextBits) || contextBits < 0 || contextBits > MAX_CONTEXT_BITS) {
    throw new InvalidArgumentError('contextBits', contextBits, `an integer in [0, ${MAX_CONTEXT_BITS}]`);
  }
}

/** Probability (out of 65536) that the next bit is 0, from the counts of a context. */
function probabilityOfZero(zeros: number, ones: number): number {
  const p = Math.floor(((2 * zeros + 1) * PROB_ONE) / (2 * (zeros + ones) + 2));
  return p < PROB_MIN ? PROB_MIN : p > PROB_ONE - PROB_MIN ? PROB_ONE - PROB_MIN : p;
}

class ContextModel {
  private readonly zeros: Uint32Array;
  private readonly ones: Uint32Array;

  constructor(contextBits: number) {
    this.zeros = new Uint32Array(1 << contextBits);
    this.ones = new Uint32Array(1 << contextBits);
  }

  p0(ctx: number): number {
    return probabilityOfZero(this.zeros[ctx] ?? 0, this.ones[ctx] ?? 0);
  }

  update(ctx: number, bit: number): void {
    let z = this.zeros[ctx] ?? 0;
    let o = this.ones[ctx] ?? 0;
    if (bit === 0) z++;
    else o++;
    if (z + o >= COUNT_LIMIT) {
      z = (z + 1) >>> 1;
      o = (o + 1) >>> 1;
    }
    this.zeros[ctx] = z;
    this.ones[ctx] = o;
  }
}

class ByteSink {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
  }

  push(byte: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = byte;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Range-codes the bits of `mask` (in index order). The output starts with a 0 byte, as LZMA's does. */
export function rangeEncodeMask(mask: BitMask, contextBits: number): Uint8Array {
  checkContextBits(contextBits);
  const model = new ContextModel(contextBits);
  const ctxMask = (1 << contextBits) - 1;
  const sink = new ByteSink(Math.ceil(mask.length / 16) + 8);
  let low = 0;
  let range = 0xffffffff;
  let cache = 0;
  let cacheSize = 1;

  const shiftLow = (): void => {
    if (low < 0xff000000 || low >= TWO_32) {
      const carry = low >= TWO_32 ? 1 : 0;
      let pending = cache;
      do {
        sink.push((pending + carry) & 0xff);
        pending = 0xff;
      } while (--cacheSize !== 0);
      cache = Math.floor(low / TOP) & 0xff;
    }
    cacheSize++;
    low = (low % TOP) * 256;
  };

  const words = mask.words;
  const n = mask.length;
  let history = 0;
  for (let i = 0; i < n; i++) {
    const bit = ((words[i >>> 5] ?? 0) >>> (i & 31)) & 1;
    const ctx = history & ctxMask;
    const bound = (range >>> 16) * model.p0(ctx);
    if (bit === 0) {
      range = bound;
    } else {
      low += bound;
      range -= bound;
    }
    model.update(ctx, bit);
    history = (history << 1) | bit;
    while (range < TOP) {
      range *= 256;
      shiftLow();
    }
  }
  for (let k = 0; k < 5; k++) shiftLow();
  return sink.bytes();
}

/** Decodes `length` bits coded by {@link rangeEncodeMask} with the same `contextBits`. */
export function rangeDecodeMask(bytes: Uint8Array, length: number, contextBits: number): BitMask {
  checkContextBits(contextBits);
  if (bytes.length < 5) throw new MaskCodingError(`range-coded payload of ${bytes.length} bytes is shorter than the 5-byte minimum`);
  if (bytes[0] !== 0) throw new MaskCodingError(`range-coded payload must start with a 0 byte, found ${bytes[0]}`);
  const model = new ContextModel(contextBits);
  const ctxMask = (1 << contextBits) - 1;
  const mask = new BitMask(length);
  const words = mask.words;
  let code = (((bytes[1] ?? 0) << 24) | ((bytes[2] ?? 0) << 16) | ((bytes[3] ?? 0) << 8) | (bytes[4] ?? 0)) >>> 0;
  let pos = 5;
  let range = 0xffffffff;
  let history = 0;
  for (let i = 0; i < length; i++) {
    const ctx = history & ctxMask;
    const bound = (range >>> 16) * model.p0(ctx);
    let bit: number;
    if (code < bound) {
      range = bound;
      bit = 0;
    } else {
      code -= bound;
      range -= bound;
      bit = 1;
      words[i >>> 5] = ((words[i >>> 5] ?? 0) | (1 << (i & 31))) >>> 0;
    }
    model.update(ctx, bit);
    history = (history << 1) | bit;
    while (range < TOP) {
      if (pos >= bytes.length) throw new MaskCodingError(`range-coded payload is truncated (needed more than ${bytes.length} bytes)`);
      range *= 256;
      code = ((code << 8) | (bytes[pos++] ?? 0)) >>> 0;
    }
  }
  if (pos !== bytes.length) throw new MaskCodingError(`range-coded payload has ${bytes.length - pos} byte(s) past its end`);
  return mask;
}
