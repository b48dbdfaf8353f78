import { InvalidArgumentError, readFloat32, tf } from '@retain/core';
import type { EligibleSet } from '../selection/eligible-set.js';
import type { RankBy } from '../selection/order-keys.js';
import { checkFraction, selectTopFraction } from '../selection/top-k-mask.js';

/** Options of {@link topCScoreMask} and {@link wsnMaskedWeight}. */
export interface TopCOptions {
  /** Which scores may be selected; default all (WSN selects over the whole layer). */
  readonly eligible?: EligibleSet;
  /** Rank scores by |score| (default; WSN as described in our method notes) or by signed value. */
  readonly rankBy?: RankBy;
}

/**
 * WSN's subnetwork selection (Kang et al., ICML 2022) with a straight-through
 * gradient. Forward: a float32 0/1 tensor of the scores' shape selecting the
 * top-c fraction of the (eligible) scores by |score|: exactly
 * Math.round(c * eligible count) ones, ties to the lower flat index.
 * Backward: the gradient passes to the scores unchanged (d mask / d scores is
 * taken as the identity). `c` is the capacity as a fraction in [0, 1]
 * (c = 0.5 keeps 50 %). The forward pass reads the scores on the CPU
 * (in place in the wasm heap, without dataSync's copy) and selects with the
 * radix selection of this package.
 *
 * @example
 * const scores = tf.variable(tf.randomNormal([784, 100]));
 * const mask = topCScoreMask(scores, 0.5); // 39 200 ones
 */
export function topCScoreMask(scores: tf.Tensor, c: number, options: TopCOptions = {}): tf.Tensor {
  checkFraction(c, 'c');
  if (scores.dtype !== 'float32') throw new InvalidArgumentError('scores.dtype', scores.dtype, "'float32'");
  const straightThrough = tf.customGrad((...inputs) => {
    const s = inputs[0] as tf.Tensor;
    const selected = readFloat32(s, (values) =>
      selectTopFraction(values, c, { eligible: options.eligible, rankBy: options.rankBy ?? 'magnitude', field: 'scores', fractionField: 'c' }),
    );
    // A Uint8Array given as float32 is converted natively (no per-element iteration).
    const value = tf.tensor(selected, s.shape, 'float32');
    return { value, gradFunc: (dy: tf.Tensor) => dy.clone() };
  });
  return straightThrough(scores);
}

/**
 * WSN's effective weight: w * topCScoreMask(scores, c). Gradients: to the
 * weights dy * mask (only selected weights learn), to the scores dy * w
 * (straight through the mask). The caller zeroes the gradients of weights
 * that earlier tasks selected, as WSN does.
 */
export function wsnMaskedWeight(weights: tf.Tensor, scores: tf.Tensor, c: number, options: TopCOptions = {}): tf.Tensor {
  if (!tf.util.arraysEqual(weights.shape, scores.shape)) {
    throw new InvalidArgumentError('scores.shape', scores.shape, `the weights' shape [${weights.shape.join(', ')}]`);
  }
  return tf.tidy(() => tf.mul(weights, topCScoreMask(scores, c, options)));
}
