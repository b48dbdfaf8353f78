import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { describe, expect, it } from 'vitest';
import { meanStd } from './seed-statistics.js';

describe('meanStd', () => {
  it('worked example: [1, 2, 3, 4] has mean 2.5 and sample std sqrt(5/3)', () => {
    const summary = meanStd([1, 2, 3, 4])!;
    expect(summary.mean).toBe(2.5);
    expect(summary.std).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(summary.n).toBe(4);
  });

  it('uses n - 1: two values 0 and 1 give std sqrt(0.5)', () => {
    expect(meanStd([0, 1])!.std).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('has no std for one value and no summary for none', () => {
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: undefined, n: 1 });
    expect(meanStd([])).toBeUndefined();
  });

  it('refuses non-finite values, naming the index', () => {
    expect(() => meanStd([1, Number.NaN])).toThrow(InvalidArgumentError);
    expect(() => meanStd([1, Number.NaN])).toThrow(/values\[1\]/);
  });

  const values = fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 2, maxLength: 20 });

  it('is invariant to the order of the values', () => {
    fc.assert(
      fc.property(values, (list) => {
        const a = meanStd(list)!;
        const b = meanStd([...list].reverse())!;
        expect(b.mean).toBeCloseTo(a.mean, 9);
        expect(b.std).toBeCloseTo(a.std!, 9);
      }),
    );
  });

  it('std is shift invariant and scales with |k|; the mean lies within the range', () => {
    fc.assert(
      fc.property(values, fc.double({ min: -10, max: 10, noNaN: true }), (list, k) => {
        const base = meanStd(list)!;
        expect(base.std).toBeGreaterThanOrEqual(0);
        expect(base.mean).toBeGreaterThanOrEqual(Math.min(...list) - 1e-9);
        expect(base.mean).toBeLessThanOrEqual(Math.max(...list) + 1e-9);
        expect(meanStd(list.map((v) => v + k))!.std).toBeCloseTo(base.std!, 6);
        expect(meanStd(list.map((v) => v * k))!.std).toBeCloseTo(Math.abs(k) * base.std!, 6);
      }),
    );
  });
});
