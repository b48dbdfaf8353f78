import { tf } from '../tf.js';

/** Maps a stored weight to the weight the forward pass uses. */
export type EffectiveWeightFn = (weight: tf.Tensor) => tf.Tensor;

/**
 * Builds the effective-weight function of a parameter from its masks, once
 * (never per step). Both masks are 0/1 float32 tensors of the weight's shape:
 * - `visible` only: `w * visible`; the gradient is `dy * visible` (plain autodiff).
 * - `trainable` only: the forward pass is `w` unchanged, the gradient `dy * trainable`.
 * - both: forward `w * visible`, gradient `dy * trainable` (one multiply each way,
 *   through tf.customGrad): a weight visible but not trainable takes part in
 *   the forward pass and gets an exact zero gradient.
 * Neither: `undefined`, so the caller can skip the function and add no op at all.
 * The returned function reads the masks it was built with; they must stay alive
 * as long as it is used.
 */
export function maskedWeightFn(visible: tf.Tensor | undefined, trainable: tf.Tensor | undefined): EffectiveWeightFn | undefined {
  if (trainable === undefined) {
    if (visible === undefined) return undefined;
    return (w) => tf.mul(w, visible);
  }
  const forward: EffectiveWeightFn = visible === undefined ? (w) => tf.clone(w) : (w) => tf.mul(w, visible);
  const op = tf.customGrad((...inputs) => {
    const w = inputs[0] as tf.Tensor;
    return { value: forward(w), gradFunc: (dy: tf.Tensor) => [tf.mul(dy, trainable)] };
  });
  return (w) => op(w);
}
