import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { pruneBySaliency, pruneBySaliencyGlobal, sharpnessSaliency, squaredGradientCurvature } from './saliency.js';
import { LengthMismatchError, NaNValueError } from '../errors/pruning-errors.js';

describe('sharpnessSaliency', () => {
  it('worked examples: |w g| + 0.5 w^2 h, h = g^2 by default', () => {
    expect([...sharpnessSaliency(new Float32Array([2, -1, 0]), new Float32Array([0.5, 3, 7]))]).toEqual([1.5, 7.5, 0]);
    // Given curvature: w = 2, g = 0.5, h = 4 -> 1 + 0.5 * 4 * 4 = 9; w = -1, g = -2, h = 0 -> 2.
    expect([...sharpnessSaliency(new Float32Array([2, -1]), new Float32Array([0.5, -2]), new Float32Array([4, 0]))]).toEqual([9, 2]);
  });

  it('matches the formula on random inputs and is never negative with h = g^2', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.float({ min: -10, max: 10, noNaN: true }), fc.float({ min: -10, max: 10, noNaN: true })), { maxLength: 50 }),
        (pairs) => {
          const w = Float32Array.from(pairs, (p) => p[0]);
          const g = Float32Array.from(pairs, (p) => p[1]);
          const s = sharpnessSaliency(w, g);
          s.forEach((x, i) => {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeCloseTo(Math.fround(Math.abs(w[i]! * g[i]!) + 0.5 * w[i]! ** 2 * g[i]! ** 2), 3);
          });
        },
      ),
    );
  });

  it('rejects length mismatches and NaN inputs', () => {
    expect(() => sharpnessSaliency(new Float32Array(2), new Float32Array(3))).toThrow(LengthMismatchError);
    expect(() => sharpnessSaliency(new Float32Array(2), new Float32Array(2), new Float32Array(1))).toThrow(/curvature/);
    expect(() => sharpnessSaliency(new Float32Array([1, NaN]), new Float32Array(2))).toThrow(NaNValueError);
    expect(() => sharpnessSaliency(new Float32Array(2), new Float32Array([0, NaN]))).toThrow(/gradients\[1\]/);
  });
});

describe('squaredGradientCurvature', () => {
  it('averages squared gradients over batches', () => {
    expect([...squaredGradientCurvature([new Float32Array([1, 2]), new Float32Array([3, -4])])]).toEqual([5, 10]);
    expect(() => squaredGradientCurvature([new Float32Array(2), new Float32Array(1)])).toThrow(/batchGradients\[1\]/);
    expect(squaredGradientCurvature([])).toEqual(new Float32Array(0));
  });
});

describe('pruneBySaliency', () => {
  it('prunes exactly round(sparsity * eligible), the lowest scores, never keeping ineligible ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.float({ min: 0, max: 100, noNaN: true }), fc.boolean()), { maxLength: 120 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (entries, sparsity) => {
          const scores = Float32Array.from(entries, (e) => e[0]);
          const eligible = Uint8Array.from(entries, (e) => (e[1] ? 1 : 0));
          const kept = pruneBySaliency(scores, { sparsity, eligible });
          const eligibleCount = eligible.reduce((a, b) => a + b, 0);
          const keptCount = kept.reduce((a, b) => a + b, 0);
          expect(eligibleCount - keptCount).toBe(Math.round(sparsity * eligibleCount));
          let minKept = Infinity;
          let maxPruned = -Infinity;
          kept.forEach((k, i) => {
            if (k) {
              expect(eligible[i]).toBe(1);
              minKept = Math.min(minKept, scores[i]!);
            } else if (eligible[i]) maxPruned = Math.max(maxPruned, scores[i]!);
          });
          expect(minKept >= maxPruned).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('worked example, and the rounding is on the pruned count', () => {
    const scores = new Float32Array([0.3, 5, 0.1, 2, 0.2]);
    expect([...pruneBySaliency(scores, { sparsity: 0.6 })]).toEqual([0, 1, 0, 1, 0]);
    // 3 eligible, sparsity 0.5: round(1.5) = 2 pruned, 1 kept.
    expect([...pruneBySaliency(scores, { sparsity: 0.5, eligible: [0, 2, 4] })]).toEqual([1, 0, 0, 0, 0]);
    expect(() => pruneBySaliency(scores, { sparsity: 1.2 })).toThrow(InvalidArgumentError);
    expect(() => pruneBySaliency(scores, { sparsity: 1.2 })).toThrow(/^sparsity:/);
  });

  it('global: one ranking across layers, exact count', () => {
    const masks = pruneBySaliencyGlobal(
      { fc1: { scores: new Float32Array([1, 9, 3]) }, fc2: { scores: new Float32Array([4, 0.5]), eligible: new Uint8Array([1, 1]) } },
      0.4,
    );
    // 5 eligible, round(2) pruned: 0.5 (fc2) and 1 (fc1).
    expect([...masks.fc1!]).toEqual([0, 1, 1]);
    expect([...masks.fc2!]).toEqual([1, 0]);
    expect(() => pruneBySaliencyGlobal({ fc1: { scores: new Float32Array([NaN]) } }, 0.5)).toThrow(/fc1\.scores\[0\]/);
  });
});
