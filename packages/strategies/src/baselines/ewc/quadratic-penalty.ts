import { InvalidArgumentError, tf } from '@retain/core';
import { WeightLayoutMismatchError } from '../errors/baseline-errors.js';

/**
 * One weight tensor's share of a quadratic consolidation penalty: the
 * current weight, its anchor (the weights after an earlier task) and the
 * per-weight importance (EWC's Fisher, SI's Omega), all of one shape.
 */
export interface QuadraticTerm {
  readonly weight: tf.Tensor;
  readonly anchor: tf.Tensor;
  readonly importance: tf.Tensor;
}

/**
 * The penalty `scale * sum_i importance_i * (weight_i - anchor_i)^2` as a
 * scalar tensor (differentiable in the weights). EWC (Kirkpatrick et al.
 * 2017, Eq. 3) uses scale = lambda / 2 with the Fisher as importance; SI
 * (Zenke et al. 2017, Eq. 4) uses scale = c with Omega. Zero terms give 0.
 */
export function quadraticPenalty(terms: readonly QuadraticTerm[], scale: number): tf.Scalar {
  if (!Number.isFinite(scale) || scale < 0) throw new InvalidArgumentError('scale', scale, 'a finite number >= 0');
  for (const [i, t] of terms.entries()) {
    for (const field of ['anchor', 'importance'] as const) {
      const s = t[field].shape;
      if (s.length !== t.weight.shape.length || s.some((d, k) => d !== t.weight.shape[k])) {
        throw new WeightLayoutMismatchError(`terms[${i}].${field}.shape`, `[${t.weight.shape.join(', ')}]`, `[${s.join(', ')}]`);
      }
    }
  }
  return tf.tidy(() => {
    if (terms.length === 0) return tf.scalar(0);
    const sums = terms.map((t) => tf.sum(tf.mul(t.importance, tf.square(tf.sub(t.weight, t.anchor)))));
    return tf.mul(tf.addN(sums), scale) as tf.Scalar;
  });
}

/**
 * Typed-array reference of {@link quadraticPenalty}:
 * `scale * sum_i importance_i * (weight_i - anchor_i)^2`, in float64.
 */
export function quadraticPenaltyValue(weight: Float32Array, anchor: Float32Array, importance: Float32Array, scale: number): number {
  if (anchor.length !== weight.length) throw new WeightLayoutMismatchError('anchor.length', weight.length, anchor.length);
  if (importance.length !== weight.length) throw new WeightLayoutMismatchError('importance.length', weight.length, importance.length);
  let sum = 0;
  for (let i = 0; i < weight.length; i++) {
    const d = (weight[i] as number) - (anchor[i] as number);
    sum += (importance[i] as number) * d * d;
  }
  return scale * sum;
}
