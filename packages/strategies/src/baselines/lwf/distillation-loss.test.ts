import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initBackend, InvalidArgumentError, tf, withLeakCheckSync } from '@retain/core';
import { WeightLayoutMismatchError } from '../errors/baseline-errors.js';
import { distillationLoss, distillationLossValue, LWF_DEFAULT_TEMPERATURE } from './distillation-loss.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('distillationLoss', () => {
  it('defaults to the paper temperature T = 2 (worked example)', () => {
    expect(LWF_DEFAULT_TEMPERATURE).toBe(2);
    withLeakCheckSync(() => {
      const student = tf.tensor2d([[0, 0]]);
      const teacher = tf.tensor2d([[2 * Math.log(3), 0]]);
      // Teacher at T = 2: softmax(log 3, 0) = (3/4, 1/4); student uniform: loss = log 2.
      const loss = distillationLoss(student, teacher);
      expect(loss.dataSync()[0]).toBeCloseTo(Math.log(2), 5);
      tf.dispose([student, teacher, loss]);
    });
  });

  it('matches the float64 reference for any logits and temperature', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 5 }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (rows, classes, temperature, salt) => {
          const n = rows * classes;
          const s = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + salt) * 4);
          const t = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.9 + salt) * 4);
          const value = withLeakCheckSync(() => tf.tidy(() => distillationLoss(tf.tensor2d(s, [rows, classes]), tf.tensor2d(t, [rows, classes]), temperature).dataSync()[0]!));
          expect(value).toBeCloseTo(distillationLossValue(s, t, rows, classes, temperature), 4);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('pulls the student toward the teacher: zero gradient at equality, none into the teacher', () => {
    withLeakCheckSync(() => {
      tf.tidy(() => {
        const teacher = tf.tensor2d([[1, -1, 0.5]]);
        const [gs, gt] = tf.grads((s: tf.Tensor, t: tf.Tensor) => distillationLoss(s, t))([teacher.clone(), teacher.clone()]);
        Array.from(gs!.dataSync()).forEach((g) => expect(Math.abs(g)).toBeLessThan(1e-6));
        Array.from(gt!.dataSync()).forEach((g) => expect(g).toBe(0));
        // One descent step on a different student lowers the loss.
        const student = tf.tensor2d([[-1, 1, 0]]);
        const g = tf.grad((s: tf.Tensor) => distillationLoss(s, teacher))(student);
        const before = distillationLoss(student, teacher).dataSync()[0]!;
        const after = distillationLoss(tf.sub(student, tf.mul(g, 1)), teacher).dataSync()[0]!;
        expect(after).toBeLessThan(before);
      });
    });
  });

  it('rejects a bad temperature and shapes that differ', () => {
    withLeakCheckSync(() => {
      const a = tf.tensor2d([[1, 2]]);
      const b = tf.tensor2d([[1, 2, 3]]);
      expect(() => distillationLoss(a, a, 0)).toThrow(InvalidArgumentError);
      expect(() => distillationLoss(a, b)).toThrow(WeightLayoutMismatchError);
      tf.dispose([a, b]);
    });
  });
});
