import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initBackend, InvalidArgumentError, tf, withLeakCheckSync } from '@retain/core';
import { WeightLayoutMismatchError } from '../errors/baseline-errors.js';
import { quadraticPenalty, quadraticPenaltyValue } from './quadratic-penalty.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const finite = fc.float({ min: -4, max: 4, noNaN: true });

describe('quadraticPenalty', () => {
  it('is lambda/2 * sum F (w - w*)^2 (worked example)', () => {
    withLeakCheckSync(() => {
      const w = tf.tensor1d([1, 2, 3]);
      const a = tf.tensor1d([0, 2, 1]);
      const f = tf.tensor1d([2, 5, 0.5]);
      const p = quadraticPenalty([{ weight: w, anchor: a, importance: f }], 10 / 2);
      // 5 * (2*1 + 5*0 + 0.5*4) = 20
      expect(p.dataSync()[0]).toBeCloseTo(20, 5);
      const empty = quadraticPenalty([], 3);
      expect(empty.dataSync()[0]).toBe(0);
      tf.dispose([w, a, f, p, empty]);
    });
  });

  it('matches the typed-array reference and has gradient 2 * scale * F * (w - w*)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.array(finite, { minLength: n, maxLength: n }), fc.array(finite, { minLength: n, maxLength: n }), fc.array(fc.float({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n })),
        ),
        fc.double({ min: 0, max: 50, noNaN: true }),
        ([wv, av, fv], scale) => {
          withLeakCheckSync(() => {
            const w = Float32Array.from(wv);
            const a = Float32Array.from(av);
            const f = Float32Array.from(fv);
            const [value, grad] = tf.tidy(() => {
              const at = tf.tensor1d(a);
              const ft = tf.tensor1d(f);
              const g = tf.grad((x: tf.Tensor) => quadraticPenalty([{ weight: x, anchor: at, importance: ft }], scale));
              const wt = tf.tensor1d(w);
              return [quadraticPenalty([{ weight: wt, anchor: at, importance: ft }], scale).dataSync()[0]!, Array.from(g(wt).dataSync())];
            });
            const expected = quadraticPenaltyValue(w, a, f, scale);
            expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected)));
            grad.forEach((gi, i) => {
              const e = 2 * scale * f[i]! * (w[i]! - a[i]!);
              expect(Math.abs(gi - e)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(e)));
            });
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects a negative scale and shapes that differ', () => {
    withLeakCheckSync(() => {
      const w = tf.tensor1d([1, 2]);
      const short = tf.tensor1d([1]);
      expect(() => quadraticPenalty([{ weight: w, anchor: w, importance: w }], -1)).toThrow(InvalidArgumentError);
      expect(() => quadraticPenalty([{ weight: w, anchor: short, importance: w }], 1)).toThrow(WeightLayoutMismatchError);
      expect(() => quadraticPenaltyValue(Float32Array.of(1), Float32Array.of(1, 2), Float32Array.of(1), 1)).toThrow(WeightLayoutMismatchError);
      tf.dispose([w, short]);
    });
  });
});
