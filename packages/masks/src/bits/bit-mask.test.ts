import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitMask } from './bit-mask.js';
import { popcount32 } from './popcount.js';

const dense = fc.array(fc.constantFrom(0, 1), { maxLength: 200 });

describe('BitMask', () => {
  it('packs a worked example, least significant bit first', () => {
    const mask = BitMask.fromDense([1, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect(mask.length).toBe(9);
    expect(Array.from(mask.words)).toEqual([0b100001101]);
    expect(mask.popcount()).toBe(4);
    expect(Array.from(mask.indices())).toEqual([0, 2, 3, 8]);
    expect(Array.from(mask.toFloat32Array())).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 1]);
  });

  it('popcount32 counts every bit of a word', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (w) => {
        expect(popcount32(w)).toBe(w.toString(2).split('').filter((c) => c === '1').length);
      }),
    );
  });

  it('round-trips dense masks and counts their ones', () => {
    fc.assert(
      fc.property(dense, (values) => {
        const mask = BitMask.fromDense(values);
        expect(Array.from(mask.toUint8Array())).toEqual(values);
        expect(mask.popcount()).toBe(values.filter((v) => v === 1).length);
        expect(BitMask.fromIndices(values.length, mask.indices()).equals(mask)).toBe(true);
        expect(new BitMask(mask.length, mask.words.slice()).equals(mask)).toBe(true);
      }),
    );
  });

  it('combines masks like boolean arrays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }).chain((n) => fc.tuple(fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.array(fc.boolean(), { minLength: n, maxLength: n }))), ([a, b]) => {
        const ma = BitMask.fromDense(a.map(Number));
        const mb = BitMask.fromDense(b.map(Number));
        expect(Array.from(ma.and(mb).toUint8Array())).toEqual(a.map((x, i) => Number(x && b[i])));
        expect(Array.from(ma.or(mb).toUint8Array())).toEqual(a.map((x, i) => Number(x || b[i])));
        expect(Array.from(ma.andNot(mb).toUint8Array())).toEqual(a.map((x, i) => Number(x && !b[i])));
        expect(Array.from(ma.not().toUint8Array())).toEqual(a.map((x) => Number(!x)));
        expect(ma.countAnd(mb)).toBe(a.filter((x, i) => x && b[i]).length);
      }),
    );
  });

  it('full and empty masks keep tail bits zero', () => {
    const full = BitMask.full(37);
    expect(full.popcount()).toBe(37);
    expect(full.words[1]).toBe(0b11111);
    expect(BitMask.empty(37).isEmpty()).toBe(true);
    expect(BitMask.full(64).popcount()).toBe(64);
  });

  it('gathers and scatters values at the selected weights', () => {
    const mask = BitMask.fromDense([0, 1, 1, 0, 1]);
    const values = mask.gather(Float32Array.from([10, 11, 12, 13, 14]));
    expect(Array.from(values)).toEqual([11, 12, 14]);
    expect(Array.from(mask.scatter([1, 2, 3], new Float32Array(5)))).toEqual([0, 1, 2, 0, 3]);
    expect(() => mask.scatter([1, 2], new Float32Array(5))).toThrow(/values.length/);
  });

  it('set and get single weights, refusing out-of-range indices', () => {
    const mask = BitMask.empty(40);
    mask.set(31, true);
    mask.set(39, true);
    expect(mask.get(31)).toBe(true);
    expect(mask.get(30)).toBe(false);
    mask.set(31, false);
    expect(mask.popcount()).toBe(1);
    expect(() => mask.set(40, true)).toThrow(/index/);
  });

  it('refuses words of the wrong size or with bits past the length, and masks of different lengths', () => {
    expect(() => new BitMask(33, new Uint32Array(1))).toThrow(/words.length/);
    expect(() => new BitMask(3, Uint32Array.from([0b1000]))).toThrow(/past/);
    expect(() => BitMask.empty(3).or(BitMask.empty(4))).toThrow(/other.length/);
    expect(() => BitMask.fromIndices(3, [3])).toThrow(/indices/);
  });
});
