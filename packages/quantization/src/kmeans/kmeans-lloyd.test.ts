import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@retain/core';
import { kmeansLloyd1d } from './kmeans-lloyd.js';
import { partitionSse } from './clustering.test-support.js';
import { ClusterCountError, EmptyInputError, QuantizationOptionError } from '../errors/quantization-errors.js';

function normalSample(n: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => rng.nextNormal());
}

describe('kmeansLloyd1d', () => {
  it('worked example: converges to the two groups', () => {
    const r = kmeansLloyd1d([10, 1, 12, 2, 11, 3], 2, { seed: 5 });
    expect(Array.from(r.codebook)).toEqual([2, 11]);
    expect(Array.from(r.codes)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(r.sse).toBe(4);
    expect(r.converged).toBe(true);
  });

  it('same seed, same result; the rng option replaces the seed', () => {
    const values = normalSample(5000, 2);
    const a = kmeansLloyd1d(values, 16, { seed: 9, maxIterations: 5 });
    const b = kmeansLloyd1d(values, 16, { seed: 9, maxIterations: 5 });
    expect(b).toEqual(a);
    const c = kmeansLloyd1d(values, 16, { rng: Rng.fromSeed(9), maxIterations: 5 });
    expect(c).toEqual(a);
  });

  it('different seeds start from different centres', () => {
    const values = normalSample(5000, 2);
    const a = kmeansLloyd1d(values, 16, { seed: 1, maxIterations: 0 });
    const b = kmeansLloyd1d(values, 16, { seed: 2, maxIterations: 0 });
    expect(Array.from(a.codebook)).not.toEqual(Array.from(b.codebook));
  });

  it('property: more iterations never increase the SSE of the partition', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 1, maxLength: 200, min: -50, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.nat(100),
        (values, k, seed) => {
          const early = kmeansLloyd1d(values, k, { seed, maxIterations: 1 });
          const late = kmeansLloyd1d(values, k, { seed, maxIterations: 50 });
          expect(partitionSse(values, late.codes)).toBeLessThanOrEqual(partitionSse(values, early.codes) * (1 + 1e-12) + 1e-12);
        },
      ),
    );
  });

  it('property: codebook ascending, every entry used, codes in input order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 100 }), fc.integer({ min: 1, max: 20 }), fc.nat(50), (values, k, seed) => {
        const r = kmeansLloyd1d(values, k, { seed });
        expect(r.codebook.length).toBeLessThanOrEqual(Math.min(k, new Set(values).size));
        expect(new Set(Array.from(r.codes)).size).toBe(r.codebook.length);
        for (let c = 1; c < r.codebook.length; c++) expect(r.codebook[c]!).toBeGreaterThan(r.codebook[c - 1]!); // integer inputs: exact
        const direct = values.reduce((a, v, i) => a + (v - r.codebook[r.codes[i]!]!) ** 2, 0);
        expect(r.sse).toBeCloseTo(direct, 6);
      }),
    );
  });

  it('fewer distinct values than k: one centre per distinct value', () => {
    const r = kmeansLloyd1d([1, 1, 5, 5, 9], 8, { seed: 3 });
    expect(Array.from(r.codebook)).toEqual([1, 5, 9]);
    expect(r.sse).toBe(0);
  });

  it('rejects bad arguments', () => {
    expect(() => kmeansLloyd1d([], 2)).toThrow(EmptyInputError);
    expect(() => kmeansLloyd1d([1], 0)).toThrow(ClusterCountError);
    expect(() => kmeansLloyd1d([1], 2, { maxIterations: -1 })).toThrow(QuantizationOptionError);
    expect(() => kmeansLloyd1d([1], 2, { seed: -1 })).toThrow(/seed/);
  });
});
