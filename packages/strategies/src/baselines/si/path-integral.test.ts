import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { BaselinePhaseError, WeightLayoutMismatchError } from '../errors/baseline-errors.js';
import { PathIntegralImportance, SI_DEFAULT_DAMPING } from './path-integral.js';

const named = (values: number[]): Map<string, Float32Array> => new Map([['w', Float32Array.from(values)]]);

/** Plain gradient descent on L = 0.5 * sum a_k theta_k^2, recording every step. */
function descend(si: PathIntegralImportance, theta0: number[], a: number[], lr: number, steps: number): number[] {
  const theta = [...theta0];
  for (let s = 0; s < steps; s++) {
    const g = theta.map((t, k) => a[k]! * t);
    for (let k = 0; k < theta.length; k++) theta[k] = theta[k]! - lr * g[k]!;
    si.step(named(g), named(theta));
  }
  return theta;
}

describe('PathIntegralImportance', () => {
  it("uses the authors' permuted-MNIST damping and clipping by default", () => {
    const si = new PathIntegralImportance();
    expect(si.damping).toBe(SI_DEFAULT_DAMPING);
    expect(SI_DEFAULT_DAMPING).toBe(0.1);
    expect(si.clipNegative).toBe(true);
  });

  it('clips a negative Omega at 0 unless asked not to', () => {
    for (const clipNegative of [true, false]) {
      const si = new PathIntegralImportance({ damping: 1, clipNegative });
      si.beginTask(named([0]));
      // The step went uphill: omega = -(1 * 1) = -1; Omega = -1 / (1 + 1).
      si.step(named([1]), named([1]));
      expect(si.endTask(named([1])).get('w')![0]).toBe(clipNegative ? 0 : -0.5);
    }
  });

  it('keeps Omega of parameters a later task does not track, and adds new ones', () => {
    const si = new PathIntegralImportance({ damping: 1 });
    si.beginTask(new Map([['head0', Float32Array.of(0)], ['body', Float32Array.of(0)]]));
    si.step(new Map([['head0', Float32Array.of(-1)], ['body', Float32Array.of(-1)]]), new Map([['head0', Float32Array.of(1)], ['body', Float32Array.of(1)]]));
    si.endTask(new Map([['head0', Float32Array.of(1)], ['body', Float32Array.of(1)]]));
    si.beginTask(new Map([['head1', Float32Array.of(0)], ['body', Float32Array.of(1)]]));
    const omega = si.endTask(new Map([['head1', Float32Array.of(0)], ['body', Float32Array.of(1)]]));
    expect([...omega.keys()].sort()).toEqual(['body', 'head0', 'head1']);
    expect(omega.get('head0')![0]).toBeCloseTo(0.5, 6);
    expect(omega.get('head1')![0]).toBe(0);
    expect(() => si.beginTask(new Map([['body', Float32Array.of(1, 2)]]))).toThrow(WeightLayoutMismatchError);
  });

  it('omega sums to the loss decrease along a gradient-descent path (Zenke et al., Eq. 3)', () => {
    const si = new PathIntegralImportance({ damping: 1e-3 });
    const theta0 = [1, -2, 0.5];
    const a = [1, 0.2, 3];
    si.beginTask(named(theta0));
    const end = descend(si, theta0, a, 0.01, 400);
    const loss = (t: number[]): number => t.reduce((acc, v, k) => acc + 0.5 * a[k]! * v * v, 0);
    const omega = Array.from(si.pathIntegral()!.get('w')!);
    const decrease = loss(theta0) - loss(end);
    // Discrete steps overestimate by O(lr): within 2% here.
    expect(Math.abs(omega.reduce((x, y) => x + y, 0) - decrease)).toBeLessThan(0.02 * decrease);
    // Per weight: 0.5 * a * (theta0^2 - end^2) likewise.
    omega.forEach((w, k) => expect(Math.abs(w - 0.5 * a[k]! * (theta0[k]! ** 2 - end[k]! ** 2))).toBeLessThan(0.02 * 0.5 * a[k]! * theta0[k]! ** 2 + 1e-6));
    expect(si.steps).toBe(400);
  });

  it('Omega = omega / (Delta^2 + xi), accumulated over tasks (worked example)', () => {
    const si = new PathIntegralImportance({ damping: 0.5 });
    si.beginTask(named([0, 0]));
    // Step 1: gradient (1, -2), move to (-0.5, 1): omega = -(1 * -0.5) , -(-2 * 1) = (0.5, 2).
    si.step(named([1, -2]), named([-0.5, 1]));
    const first = si.endTask(named([-0.5, 1]));
    // Delta = (-0.5, 1): Omega = 0.5 / (0.25 + 0.5), 2 / (1 + 0.5).
    expect(first.get('w')![0]).toBeCloseTo(0.5 / 0.75, 6);
    expect(first.get('w')![1]).toBeCloseTo(2 / 1.5, 6);
    si.beginTask(named([-0.5, 1]));
    si.step(named([2, 0]), named([-1, 1]));
    const second = si.endTask(named([-1, 1]));
    // omega = (1, 0), Delta = (-0.5, 0): Omega += (1 / 0.75, 0).
    expect(second.get('w')![0]).toBeCloseTo(0.5 / 0.75 + 1 / 0.75, 6);
    expect(second.get('w')![1]).toBeCloseTo(2 / 1.5, 6);
    expect(si.pathIntegral()).toBeUndefined();
  });

  it('gives non-negative importance under plain gradient descent, larger for steeper weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0.001, max: 0.1, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (theta0, lr, steps) => {
          const si = new PathIntegralImportance();
          const a = theta0.map((_, k) => 1 + k);
          si.beginTask(named(theta0));
          const end = descend(si, theta0, a, lr, steps);
          const omega = si.endTask(named(end)).get('w')!;
          omega.forEach((o) => expect(o).toBeGreaterThanOrEqual(0));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('treats a parameter without gradient as adding nothing', () => {
    const si = new PathIntegralImportance();
    const weights = new Map([
      ['a', Float32Array.of(1)],
      ['b', Float32Array.of(1)],
    ]);
    si.beginTask(weights);
    si.step(new Map([['a', Float32Array.of(1)]]), new Map([
      ['a', Float32Array.of(0.5)],
      ['b', Float32Array.of(0)],
    ]));
    const omega = si.pathIntegral()!;
    expect(omega.get('a')![0]).toBeCloseTo(0.5, 6);
    expect(omega.get('b')![0]).toBe(0);
  });

  it('refuses calls out of phase and mismatched layouts', () => {
    const si = new PathIntegralImportance();
    expect(() => si.step(named([1]), named([1]))).toThrow(BaselinePhaseError);
    expect(() => si.endTask(named([1]))).toThrow(BaselinePhaseError);
    si.beginTask(named([1, 2]));
    expect(() => si.beginTask(named([1, 2]))).toThrow(BaselinePhaseError);
    expect(() => si.step(named([1]), named([1, 2]))).toThrow(WeightLayoutMismatchError);
    expect(() => si.step(new Map([['v', Float32Array.of(1, 2)]]), named([1, 2]))).toThrow(WeightLayoutMismatchError);
    expect(() => si.endTask(named([1]))).toThrow(WeightLayoutMismatchError);
    expect(() => si.loadImportance(undefined)).toThrow(BaselinePhaseError);
    expect(() => new PathIntegralImportance({ damping: 0 })).toThrow(InvalidArgumentError);
  });

  it('restores Omega from a checkpoint', () => {
    const si = new PathIntegralImportance();
    si.loadImportance(named([3, 4]));
    expect(Array.from(si.importance()!.get('w')!)).toEqual([3, 4]);
    si.beginTask(named([0, 0]));
    const omega = si.endTask(named([0, 0]));
    expect(Array.from(omega.get('w')!)).toEqual([3, 4]);
  });
});
