import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { selectTopK, selectTopFraction, selectTopKAcross, keepCount } from './top-k-mask.js';
import { LengthMismatchError, NaNValueError } from '../errors/pruning-errors.js';

/** Reference: sort (key desc, then layer order, then index asc) and take the first k. */
function referenceTopK(values: Float32Array, eligible: boolean[], k: number, rankBy: 'magnitude' | 'value'): Uint8Array {
  const key = (v: number) => (rankBy === 'magnitude' ? Math.abs(v) : v === 0 ? 0 : v);
  const order = [...values.keys()].filter((i) => eligible[i]);
  // Compare, never subtract: Infinity - Infinity is NaN.
  order.sort((a, b) => {
    const ka = key(values[a]!);
    const kb = key(values[b]!);
    return ka === kb ? a - b : kb > ka ? 1 : -1;
  });
  const mask = new Uint8Array(values.length);
  for (const i of order.slice(0, k)) mask[i] = 1;
  return mask;
}

const tiedValues = fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 120 }).map((a) => Float32Array.from(a, (v) => v / 2));
const anyValues = fc.float32Array({ noNaN: true, maxLength: 120 });
const valuesWithMask = fc.oneof(tiedValues, anyValues).chain((values) =>
  fc.tuple(fc.constant(values), fc.array(fc.boolean(), { minLength: values.length, maxLength: values.length })),
);

describe('selectTopK', () => {
  it('equals a sort-based reference, by magnitude and by value, with mask or index list', () => {
    fc.assert(
      fc.property(valuesWithMask, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('magnitude' as const, 'value' as const), (
        [values, eligible],
        fraction,
        rankBy,
      ) => {
        const eligibleCount = eligible.filter(Boolean).length;
        const k = Math.round(fraction * eligibleCount);
        const expected = referenceTopK(values, eligible, k, rankBy);
        const mask = Uint8Array.from(eligible, (e) => (e ? 1 : 0));
        expect(selectTopK(values, k, { eligible: mask, rankBy })).toEqual(expected);
        const list = [...values.keys()].filter((i) => eligible[i]).reverse();
        expect(selectTopK(values, k, { eligible: list, rankBy })).toEqual(expected);
        expect(selectTopFraction(values, fraction, { eligible: Float32Array.from(mask), rankBy })).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('matches the reference on 50k values with heavy ties', () => {
    const n = 50_000;
    const values = new Float32Array(n);
    const eligible: boolean[] = [];
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      values[i] = ((s >>> 8) % 1000) / 997 - 0.5;
      eligible.push((s & 3) !== 0);
    }
    for (const fraction of [0.1, 0.5, 0.9]) {
      const k = Math.round(fraction * eligible.filter(Boolean).length);
      const mask = Uint8Array.from(eligible, (e) => (e ? 1 : 0));
      expect(selectTopK(values, k, { eligible: mask })).toEqual(referenceTopK(values, eligible, k, 'magnitude'));
    }
  });

  it('orders extremes: Infinity, denormals, -0 and +0 tie', () => {
    const values = new Float32Array([0, -0, 1e-45, -Infinity, 3, -1e-45, Infinity]);
    expect([...selectTopK(values, 2)]).toEqual([0, 0, 0, 1, 0, 0, 1]);
    expect([...selectTopK(values, 4)]).toEqual([0, 0, 1, 1, 1, 0, 1]);
    expect([...selectTopK(values, 5)]).toEqual([0, 0, 1, 1, 1, 1, 1]);
    expect([...selectTopK(values, 6)]).toEqual([1, 0, 1, 1, 1, 1, 1]);
    // By value: +Inf, 3, 1e-45, then the zeros (-0 equals +0, lower index first), then -1e-45.
    expect([...selectTopK(values, 4, { rankBy: 'value' })]).toEqual([1, 0, 1, 0, 1, 0, 1]);
    expect([...selectTopK(values, 5, { rankBy: 'value' })]).toEqual([1, 1, 1, 0, 1, 0, 1]);
  });

  it('rejects a k outside [0, eligible count], a NaN among eligible values, and bad eligible sets', () => {
    const values = new Float32Array([1, NaN, 3]);
    expect(() => selectTopK(values, 1)).toThrow(NaNValueError);
    expect(selectTopK(values, 1, { eligible: [0, 2] })).toEqual(new Uint8Array([0, 0, 1]));
    expect(() => selectTopK(values, 3, { eligible: [0, 2] })).toThrow(InvalidArgumentError);
    expect(() => selectTopK(values, 1.5, { eligible: [0, 2] })).toThrow(InvalidArgumentError);
    expect(() => selectTopK(values, 1, { eligible: new Uint8Array(2) })).toThrow(LengthMismatchError);
    expect(() => selectTopK(values, 1, { eligible: new Uint8Array([1, 0, 2]) })).toThrow(/eligible\[2\]: expected 0 or 1/);
    expect(() => selectTopK(values, 1, { eligible: new Float32Array([1, 0, 0.5]) })).toThrow(/eligible\[2\]: expected 0 or 1/);
    expect(() => selectTopK(values, 1, { eligible: new Float32Array([NaN, 0, 1]) })).toThrow(/eligible\[0\]: expected 0 or 1/);
    expect(() => selectTopK(values, 1, { eligible: new Float32Array([1, 1, 0]), rankBy: 'value' })).toThrow(NaNValueError);
    expect(() => selectTopK(values, 1, { eligible: [2, 0, 2] })).toThrow(/distinct/);
    expect(() => selectTopK(values, 1, { rankBy: 'median' as never })).toThrow(/rankBy/);
    expect(() => selectTopK(values, 1, { eligible: [3] })).toThrow(/eligible\[0\]/);
    expect(() => selectTopK(values, 1, { eligible: [0.5] })).toThrow(InvalidArgumentError);
    expect(() => selectTopK([1, 2] as unknown as Float32Array, 1)).toThrow(/Float32Array/);
  });

  it('reports where the NaN is', () => {
    try {
      selectTopK(new Float32Array([1, 2, NaN]), 1, { field: 'scores' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NaNValueError);
      expect((error as NaNValueError).index).toBe(2);
      expect((error as NaNValueError).field).toBe('scores');
      expect((error as NaNValueError).code).toBe('ERR_NAN_VALUE');
    }
  });
});

describe('keepCount', () => {
  it('rounds half up and checks the fraction', () => {
    expect(keepCount(0.5, 3)).toBe(2);
    expect(keepCount(0.1, 10)).toBe(1);
    expect(keepCount(0, 7)).toBe(0);
    expect(keepCount(1, 7)).toBe(7);
    for (const bad of [-0.01, 1.01, NaN, Infinity]) expect(() => keepCount(bad, 4)).toThrow(InvalidArgumentError);
  });
});

describe('selectTopKAcross', () => {
  it('breaks ties by layer name, then index, whatever the insertion order', () => {
    const a = { values: new Float32Array([1, 1]) };
    const b = { values: new Float32Array([1, 2]) };
    const one = selectTopKAcross({ b, a }, 2);
    const two = selectTopKAcross({ a, b }, 2);
    expect(one).toEqual(two);
    expect([...one.a!]).toEqual([1, 0]);
    expect([...one.b!]).toEqual([0, 1]);
    expect(Object.keys(selectTopKAcross({ b, a }, 0))).toEqual(['a', 'b']);
  });

  it('names the layer in errors', () => {
    expect(() => selectTopKAcross({ fc1: { values: new Float32Array([NaN]) } }, 0)).toThrow(/fc1\.values\[0\]/);
    expect(() => selectTopKAcross({ fc1: { values: new Float32Array(2), eligible: new Uint8Array(3) } }, 0)).toThrow(/fc1\.eligible/);
  });
});
