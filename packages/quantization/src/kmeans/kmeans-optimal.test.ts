import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@retain/core';
import { kmeansOptimal1d, layeredClusterEnds, penalizedClusterEnds, type KmeansOptimalStrategy } from './kmeans-optimal.js';
import { MonotoneRowMinima } from './monotone-row-minima.js';
import { sortValues } from './sorted-values.js';
import { kmeansLloyd1d } from './kmeans-lloyd.js';
import { bruteForceAnySse, bruteForceContiguousSse, partitionSse, sampleScale } from './clustering.test-support.js';
import { ClusterCountError, EmptyInputError, KmeansMemoryError, NonFiniteValueError, QuantizationOptionError } from '../errors/quantization-errors.js';

const strategies: KmeansOptimalStrategy[] = ['layered', 'penalized', 'auto'];
// Small inputs with many duplicates (integers) or none (doubles).
const smallValues = fc.oneof(
  fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 9 }),
  fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 9 }),
);

function distinctCount(values: ArrayLike<number>): number {
  return new Set(Array.from(values, (v) => (v === 0 ? 0 : v))).size;
}

function normalSample(n: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => rng.nextNormal());
}

describe('kmeansOptimal1d', () => {
  it('worked example: two obvious groups', () => {
    const r = kmeansOptimal1d([10, 1, 12, 2, 11, 3], 2);
    expect(Array.from(r.codebook)).toEqual([2, 11]);
    expect(Array.from(r.codes)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(r.codes).toBeInstanceOf(Uint8Array);
    expect(r.sse).toBe(4);
  });

  it('worked example: three clusters where the penalty search meets a tie and falls back', () => {
    // OPT(2) = 2, OPT(3) = 1, OPT(4) = 0: no cluster penalty makes 3 the unique best count.
    for (const strategy of strategies) {
      const r = kmeansOptimal1d([0, 0, 1, 1, 2, 2, 3, 3], 3, { strategy });
      expect(r.codebook.length).toBe(3);
      expect(r.sse).toBeCloseTo(1, 12);
    }
  });

  it('property: every strategy matches brute force over all contiguous partitions', () => {
    fc.assert(
      fc.property(smallValues, fc.integer({ min: 1, max: 5 }), fc.constantFrom(...strategies), (values, k, strategy) => {
        const r = kmeansOptimal1d(values, k, { strategy });
        const clusters = Math.min(k, distinctCount(values));
        expect(r.codebook.length).toBe(clusters);
        const best = bruteForceContiguousSse(values, clusters);
        const got = partitionSse(values, r.codes);
        expect(Math.abs(got - best)).toBeLessThanOrEqual(1e-9 * sampleScale(values));
      }),
      { numRuns: 300 },
    );
  });

  it('property: each solver alone (no fallback) matches brute force; the penalty search succeeds on tie-free data', () => {
    let solved = 0;
    let tried = 0;
    fc.assert(
      fc.property(
        // Spread-out distinct values: exact ties between cluster counts are then rare (fast-check's
        // adversarial doubles, e.g. 0 and 5e-324, make float64 ties on purpose).
        fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 3, maxLength: 9 }),
        fc.integer({ min: 2, max: 8 }),
        (values, kWanted) => {
          const sorted = sortValues(values);
          const k = Math.min(kWanted, sorted.distinct - 1);
          fc.pre(k >= 2);
          const best = bruteForceContiguousSse(values, k);
          const sseOfEnds = (ends: Int32Array): number => {
            const codes = values.map((v) => ends.findIndex((end) => v <= sorted.values[end]!));
            return partitionSse(values, codes);
          };
          const layered = layeredClusterEnds(sorted, k, new MonotoneRowMinima(sorted), 2 ** 20);
          expect(Math.abs(sseOfEnds(layered) - best)).toBeLessThanOrEqual(1e-9 * sampleScale(values));
          tried++;
          const penalized = penalizedClusterEnds(sorted, k, new MonotoneRowMinima(sorted));
          if (penalized !== undefined) {
            solved++;
            expect(penalized.length).toBe(k);
            expect(Math.abs(sseOfEnds(penalized) - best)).toBeLessThanOrEqual(1e-9 * sampleScale(values));
          }
        },
      ),
      { numRuns: 300 },
    );
    // Random doubles almost never tie, so the penalty search must nearly always land on k.
    expect(solved).toBeGreaterThanOrEqual(0.9 * tried);
  });

  it('property: no partition at all (contiguous or not) beats it, for tiny inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (values, k) => {
        const r = kmeansOptimal1d(values, k);
        expect(partitionSse(values, r.codes)).toBeLessThanOrEqual(bruteForceAnySse(values, k) + 1e-9 * sampleScale(values));
      }),
    );
  });

  it('property: codebook non-decreasing and used, each value coded to its nearest centre', () => {
    fc.assert(
      fc.property(smallValues, fc.integer({ min: 1, max: 6 }), (values, k) => {
        const r = kmeansOptimal1d(values, k);
        const used = new Set(Array.from(r.codes));
        expect(used.size).toBe(r.codebook.length);
        // Non-decreasing: distinct float64 means may round to the same float32.
        for (let c = 1; c < r.codebook.length; c++) expect(r.codebook[c]!).toBeGreaterThanOrEqual(r.codebook[c - 1]!);
        values.forEach((v, i) => {
          const own = Math.abs(v - r.codebook[r.codes[i]!]!);
          for (const centre of r.codebook) expect(own).toBeLessThanOrEqual(Math.abs(v - centre) + 1e-6 * (1 + Math.abs(v)));
        });
        const direct = values.reduce((a, v, i) => a + (v - r.codebook[r.codes[i]!]!) ** 2, 0);
        expect(r.sse).toBeCloseTo(direct, 6);
      }),
    );
  });

  it('property: its SSE is never worse than seeded Lloyd on random inputs', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 1, maxLength: 300, min: -10, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(1000),
        (values, k, seed) => {
          const dp = kmeansOptimal1d(values, k);
          const lloyd = kmeansLloyd1d(values, k, { seed });
          expect(partitionSse(values, dp.codes)).toBeLessThanOrEqual(partitionSse(values, lloyd.codes) + 1e-9 * sampleScale(values));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the penalised and layered strategies agree on a larger normal sample', () => {
    const values = normalSample(20000, 7);
    const layered = kmeansOptimal1d(values, 16, { strategy: 'layered' });
    const penalized = kmeansOptimal1d(values, 16, { strategy: 'penalized' });
    expect(penalized.sse).toBeCloseTo(layered.sse, 6);
    expect(Array.from(penalized.codebook)).toEqual(Array.from(layered.codebook));
  });

  it('k >= distinct values gives one cluster per distinct value and zero error', () => {
    const r = kmeansOptimal1d([3, 1, 3, 2, 1], 8);
    expect(Array.from(r.codebook)).toEqual([1, 2, 3]);
    expect(Array.from(r.codes)).toEqual([2, 0, 2, 1, 0]);
    expect(r.sse).toBe(0);
  });

  it('a single value (or all equal) gives a one-entry codebook', () => {
    expect(kmeansOptimal1d([4.5], 4)).toEqual({ codebook: Float32Array.of(4.5), codes: Uint8Array.of(0), sse: 0 });
    const same = kmeansOptimal1d([2, 2, 2], 3);
    expect(Array.from(same.codebook)).toEqual([2]);
  });

  it('is deterministic and uses Uint16Array codes above 256 clusters', () => {
    const values = normalSample(3000, 3);
    const a = kmeansOptimal1d(values, 300);
    const b = kmeansOptimal1d(values, 300);
    expect(a).toEqual(b);
    expect(a.codes).toBeInstanceOf(Uint16Array);
    expect(a.codebook.length).toBe(300);
  });

  it('rejects bad arguments with typed errors naming them', () => {
    expect(() => kmeansOptimal1d([], 2)).toThrow(EmptyInputError);
    expect(() => kmeansOptimal1d([], 2)).toThrow(/values: expected at least one value/);
    expect(() => kmeansOptimal1d([1, Number.NaN], 2)).toThrow(NonFiniteValueError);
    expect(() => kmeansOptimal1d([1, -Infinity], 2)).toThrow(/values\[1\]/);
    expect(() => kmeansOptimal1d([1, 2], 0)).toThrow(ClusterCountError);
    expect(() => kmeansOptimal1d([1, 2], 1.5)).toThrow(/k: expected an integer number of clusters in 1..65536, got 1.5/);
    expect(() => kmeansOptimal1d([1, 2], 65537)).toThrow(ClusterCountError);
    expect(() => kmeansOptimal1d([1, 2], 2, { strategy: 'smawk' as KmeansOptimalStrategy })).toThrow(QuantizationOptionError);
    const err = (() => {
      try {
        kmeansOptimal1d(normalSample(1000, 1), 10, { strategy: 'layered', maxTableBytes: 1000 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(KmeansMemoryError);
    expect((err as KmeansMemoryError).code).toBe('ERR_KMEANS_MEMORY');
    expect((err as KmeansMemoryError).requiredBytes).toBe(4 * 8 * 991);
  });
});
