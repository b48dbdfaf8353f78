import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sortedFloat64Copy } from './float-sort.js';

function nativeSorted(values: ArrayLike<number>): number[] {
  return Array.from(Float64Array.from(values).sort());
}

describe('sortedFloat64Copy', () => {
  it('property: the radix path (float32 input, n >= 2048) equals the comparison sort, signs of zero included', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 2048, maxLength: 2600, noNaN: true }),
        (values) => {
          const got = Array.from(sortedFloat64Copy(values));
          const want = nativeSorted(values);
          expect(got.length).toBe(want.length);
          got.forEach((v, i) => expect(Object.is(v, want[i])).toBe(true));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('plain arrays of float32-exact numbers take the radix path too; others sort natively', () => {
    const exact = Array.from({ length: 3000 }, (_, i) => Math.fround(Math.sin(i) * 1e3));
    expect(Array.from(sortedFloat64Copy(exact))).toEqual(nativeSorted(exact));
    const inexact = Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 1e3);
    expect(Array.from(sortedFloat64Copy(inexact))).toEqual(nativeSorted(inexact));
  });

  it('orders extremes, subnormals and zeros', () => {
    const specials = [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -1.401298464324817e-45, 0, -0, 1, -1];
    const values = Float32Array.from({ length: 4096 }, (_, i) => specials[i % specials.length]!);
    const got = sortedFloat64Copy(values);
    const want = nativeSorted(values);
    got.forEach((v, i) => expect(Object.is(v, want[i])).toBe(true));
    expect(got[0]).toBe(-3.4028234663852886e38);
    expect(got[4095]).toBe(3.4028234663852886e38);
  });
});
