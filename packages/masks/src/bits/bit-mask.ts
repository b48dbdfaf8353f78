import { InvalidArgumentError } from '@retain/core';
import { popcount32, popcountWords } from './popcount.js';

const MAX_MASK_LENGTH = 0xffffffff;

function checkLength(field: string, length: number): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_MASK_LENGTH) {
    throw new InvalidArgumentError(field, length, `an integer in [0, ${MAX_MASK_LENGTH}]`);
  }
}

/** Number of 32-bit words holding `length` bits. */
export function maskWordCount(length: number): number {
  return Math.ceil(length / 32);
}

/**
 * A binary mask over `length` weights, bit-packed: weight `i` is bit `i % 32`
 * of `words[i >>> 5]` (least significant bit first). Bits past `length` in the
 * last word are always zero. One bit per weight: a 1e6-weight mask is 125 kB.
 */
export class BitMask {
  /** Number of weights the mask covers. */
  readonly length: number;
  /** The packed bits, `ceil(length / 32)` words. */
  readonly words: Uint32Array;

  /**
   * @param length number of weights
   * @param words packed bits (taken, not copied); all zero when omitted. Tail bits must be zero.
   */
  constructor(length: number, words?: Uint32Array) {
    checkLength('length', length);
    const count = maskWordCount(length);
    if (words === undefined) {
      this.words = new Uint32Array(count);
    } else {
      if (words.length !== count) throw new InvalidArgumentError('words.length', words.length, `${count} words for ${length} bits`);
      const tail = length & 31;
      if (tail !== 0 && ((words[count - 1] ?? 0) >>> tail) !== 0) {
        throw new InvalidArgumentError('words', 'set bits past length', 'zero bits past the mask length');
      }
      this.words = words;
    }
    this.length = length;
  }

  /** All-zero mask. */
  static empty(length: number): BitMask {
    return new BitMask(length);
  }

  /** All-one mask. */
  static full(length: number): BitMask {
    const mask = new BitMask(length);
    mask.words.fill(0xffffffff);
    const tail = length & 31;
    if (tail !== 0) mask.words[mask.words.length - 1] = (2 ** tail - 1) >>> 0;
    return mask;
  }

  /** Packs a dense mask: every non-zero entry (NaN included) becomes a 1. */
  static fromDense(values: ArrayLike<number>): BitMask {
    const n = values.length;
    const mask = new BitMask(n);
    const words = mask.words;
    const full = n & ~31;
    let w = 0;
    for (let base = 0; base < full; base += 32, w++) {
      let word = 0;
      for (let j = 0; j < 32; j++) if (values[base + j] !== 0) word |= 1 << j;
      words[w] = word >>> 0;
    }
    if (full < n) {
      let word = 0;
      for (let i = full; i < n; i++) if (values[i] !== 0) word |= 1 << (i - full);
      words[w] = word >>> 0;
    }
    return mask;
  }

  /** Mask with ones at `indices` (each in [0, length)). */
  static fromIndices(length: number, indices: ArrayLike<number>): BitMask {
    const mask = new BitMask(length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] ?? 0;
      if (!Number.isInteger(i) || i < 0 || i >= length) throw new InvalidArgumentError(`indices[${k}]`, i, `an integer in [0, ${length})`);
      mask.words[i >>> 5] = ((mask.words[i >>> 5] ?? 0) | (1 << (i & 31))) >>> 0;
    }
    return mask;
  }

  /** Whether weight `i` is selected. */
  get(i: number): boolean {
    return (((this.words[i >>> 5] ?? 0) >>> (i & 31)) & 1) === 1;
  }

  /** Sets weight `i` (in [0, length)) to `value`. */
  set(i: number, value: boolean): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new InvalidArgumentError('index', i, `an integer in [0, ${this.length})`);
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    this.words[w] = (value ? (this.words[w] ?? 0) | bit : (this.words[w] ?? 0) & ~bit) >>> 0;
  }

  /** Number of selected weights. */
  popcount(): number {
    return popcountWords(this.words);
  }

  /** Whether no weight is selected. */
  isEmpty(): boolean {
    for (let w = 0; w < this.words.length; w++) if (this.words[w] !== 0) return false;
    return true;
  }

  /** Index of the first selected weight, or -1 when none is. */
  firstSet(): number {
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      const word = words[w] ?? 0;
      if (word !== 0) return (w << 5) + (31 - Math.clz32(word & -word));
    }
    return -1;
  }

  private combine(other: BitMask, op: (a: number, b: number) => number): BitMask {
    if (other.length !== this.length) throw new InvalidArgumentError('other.length', other.length, `${this.length} (same length)`);
    const out = new BitMask(this.length);
    for (let w = 0; w < this.words.length; w++) out.words[w] = op(this.words[w] ?? 0, other.words[w] ?? 0) >>> 0;
    return out;
  }

  /** Weights selected in both masks. */
  and(other: BitMask): BitMask {
    return this.combine(other, (a, b) => a & b);
  }

  /** Weights selected in either mask. */
  or(other: BitMask): BitMask {
    return this.combine(other, (a, b) => a | b);
  }

  /** Weights selected here and not in `other`. */
  andNot(other: BitMask): BitMask {
    return this.combine(other, (a, b) => a & ~b);
  }

  /** Number of weights selected in both masks, without building the intersection. */
  countAnd(other: BitMask): number {
    if (other.length !== this.length) throw new InvalidArgumentError('other.length', other.length, `${this.length} (same length)`);
    let total = 0;
    for (let w = 0; w < this.words.length; w++) total += popcount32((this.words[w] ?? 0) & (other.words[w] ?? 0));
    return total;
  }

  /** The complement (within `length`). */
  not(): BitMask {
    return BitMask.full(this.length).andNot(this);
  }

  /** Same length and same bits. */
  equals(other: BitMask): boolean {
    if (other.length !== this.length) return false;
    for (let w = 0; w < this.words.length; w++) if (this.words[w] !== other.words[w]) return false;
    return true;
  }

  /** An independent copy. */
  clone(): BitMask {
    return new BitMask(this.length, this.words.slice());
  }

  /** Calls `fn` with the index of every selected weight, ascending. */
  forEachSet(fn: (index: number) => void): void {
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      let word = words[w] ?? 0;
      while (word !== 0) {
        const low = word & -word;
        fn((w << 5) + (31 - Math.clz32(low)));
        word = (word ^ low) >>> 0;
      }
    }
  }

  /** Indices of the selected weights, ascending. */
  indices(): Uint32Array {
    const out = new Uint32Array(this.popcount());
    let k = 0;
    this.forEachSet((i) => {
      out[k++] = i;
    });
    return out;
  }

  /** 0/1 bytes, one per weight. */
  toUint8Array(): Uint8Array {
    const out = new Uint8Array(this.length);
    const words = this.words;
    for (let i = 0; i < this.length; i++) out[i] = ((words[i >>> 5] ?? 0) >>> (i & 31)) & 1;
    return out;
  }

  /** 0/1 floats, one per weight: the form masked layers turn into a tensor. */
  toFloat32Array(): Float32Array {
    const out = new Float32Array(this.length);
    const words = this.words;
    for (let i = 0; i < this.length; i++) out[i] = ((words[i >>> 5] ?? 0) >>> (i & 31)) & 1;
    return out;
  }

  /** The values of `dense` at the selected weights, in ascending index order. */
  gather(dense: Float32Array): Float32Array {
    if (dense.length !== this.length) throw new InvalidArgumentError('dense.length', dense.length, `${this.length} (mask length)`);
    const out = new Float32Array(this.popcount());
    let k = 0;
    this.forEachSet((i) => {
      out[k++] = dense[i] ?? 0;
    });
    return out;
  }

  /** Writes `values` (ascending index order, one per selected weight) into `out` at the selected weights; returns `out`. */
  scatter(values: ArrayLike<number>, out: Float32Array): Float32Array {
    if (out.length !== this.length) throw new InvalidArgumentError('out.length', out.length, `${this.length} (mask length)`);
    const count = this.popcount();
    if (values.length !== count) throw new InvalidArgumentError('values.length', values.length, `${count} (selected weights)`);
    let k = 0;
    this.forEachSet((i) => {
      out[i] = values[k++] ?? 0;
    });
    return out;
  }
}
