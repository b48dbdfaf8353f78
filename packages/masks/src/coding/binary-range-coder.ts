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

/** Adaptive counts per context (Krichevsky-Trofimov estimate, halved at {@link COUNT_LIMIT}). */
export class ContextModel {
  private readonly zeros: Uint32Array;
  private readonly ones: Uint32Array;

  /** A model of `contexts` contexts, all counts 0. */
  constructor(contexts: number) {
    this.zeros = new Uint32Array(contexts);
    this.ones = new Uint32Array(contexts);
  }

  /** Probability (out of 65536) that the next bit in context `ctx` is 0. */
  p0(ctx: number): number {
    return probabilityOfZero(this.zeros[ctx] ?? 0, this.ones[ctx] ?? 0);
  }

  /** Counts `bit` in context `ctx`. */
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

/** The encoding half of the range coder: feed bits with their probability of 0, then {@link finish}. */
export class RangeEncoder {
  private readonly sink: ByteSink;
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;

  /** `expectedBits`: a hint for the initial buffer size. */
  constructor(expectedBits: number) {
    this.sink = new ByteSink(Math.ceil(expectedBits / 16) + 8);
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO_32) {
      const carry = this.low >= TWO_32 ? 1 : 0;
      let pending = this.cache;
      do {
        this.sink.push((pending + carry) & 0xff);
        pending = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % TOP) * 256;
  }

  /** Codes `bit` given p0 = probability (out of 65536) that it is 0. */
  encode(bit: number, p0: number): void {
    const bound = (this.range >>> 16) * p0;
    if (bit === 0) {
      this.range = bound;
    } else {
      this.low += bound;
      this.range -= bound;
    }
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /** Flushes and returns the bytes (the first is always 0, as in LZMA). */
  finish(): Uint8Array {
    for (let k = 0; k < 5; k++) this.shiftLow();
    return this.sink.bytes();
  }
}

/** The decoding half of the range coder; throws {@link MaskCodingError} on truncated or over-long input. */
export class RangeDecoder {
  private readonly bytes: Uint8Array;
  private code: number;
  private pos = 5;
  private range = 0xffffffff;

  /** Starts decoding `bytes` (checks the 5-byte minimum and the leading 0). */
  constructor(bytes: Uint8Array) {
    if (bytes.length < 5) throw new MaskCodingError(`range-coded payload of ${bytes.length} bytes is shorter than the 5-byte minimum`);
    if (bytes[0] !== 0) throw new MaskCodingError(`range-coded payload must start with a 0 byte, found ${bytes[0]}`);
    this.bytes = bytes;
    this.code = (((bytes[1] ?? 0) << 24) | ((bytes[2] ?? 0) << 16) | ((bytes[3] ?? 0) << 8) | (bytes[4] ?? 0)) >>> 0;
  }

  /** Decodes one bit given p0 = probability (out of 65536) that it is 0. */
  decode(p0: number): number {
    const bound = (this.range >>> 16) * p0;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    while (this.range < TOP) {
      if (this.pos >= this.bytes.length) throw new MaskCodingError(`range-coded payload is truncated (needed more than ${this.bytes.length} bytes)`);
      this.range *= 256;
      this.code = ((this.code << 8) | (this.bytes[this.pos++] ?? 0)) >>> 0;
    }
    return bit;
  }

  /** Throws unless every byte was consumed. */
  end(): void {
    if (this.pos !== this.bytes.length) throw new MaskCodingError(`range-coded payload has ${this.bytes.length - this.pos} byte(s) past its end`);
  }
}

/** Range-codes the bits of `mask` (in index order). The output starts with a 0 byte, as LZMA's does. */
export function rangeEncodeMask(mask: BitMask, contextBits: number): Uint8Array {
  checkContextBits(contextBits);
  const model = new ContextModel(1 << contextBits);
  const ctxMask = (1 << contextBits) - 1;
  const encoder = new RangeEncoder(mask.length);
  const words = mask.words;
  const n = mask.length;
  let history = 0;
  for (let i = 0; i < n; i++) {
    const bit = ((words[i >>> 5] ?? 0) >>> (i & 31)) & 1;
    const ctx = history & ctxMask;
    encoder.encode(bit, model.p0(ctx));
    model.update(ctx, bit);
    history = (history << 1) | bit;
  }
  return encoder.finish();
}

/** Decodes `length` bits coded by {@link rangeEncodeMask} with the same `contextBits`. */
export function rangeDecodeMask(bytes: Uint8Array, length: number, contextBits: number): BitMask {
  checkContextBits(contextBits);
  const decoder = new RangeDecoder(bytes);
  const model = new ContextModel(1 << contextBits);
  const ctxMask = (1 << contextBits) - 1;
  const mask = new BitMask(length);
  const words = mask.words;
  let history = 0;
  for (let i = 0; i < length; i++) {
    const ctx = history & ctxMask;
    const bit = decoder.decode(model.p0(ctx));
    if (bit === 1) words[i >>> 5] = ((words[i >>> 5] ?? 0) | (1 << (i & 31))) >>> 0;
    model.update(ctx, bit);
    history = (history << 1) | bit;
  }
  decoder.end();
  return mask;
}
