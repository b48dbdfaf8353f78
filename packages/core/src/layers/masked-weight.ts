import { tf } from '../tf.js';

/** Maps a stored weight to the weight the forward pass uses. */
export type EffectiveWeightFn = (weight: tf.Tensor) => tf.Tensor;

/**
 * What is known about the masks given to {@link maskedWeightFn}, found once
 * when they are set (see {@link isAllOnes}). A mask of all ones changes no
 * value (`w * 1 === w` and `dy * 1 === dy` exactly, NaN and -0 included), so
 * its multiply is left out.
 */
export interface MaskFacts {
  /** `visible` is all ones (PackNet's training phase: earlier | free is everything): no forward multiply. */
  readonly visibleAllOnes?: boolean;
  /** `trainable` is all ones (a first task): no gradient multiply. */
  readonly trainableAllOnes?: boolean;
}

/**
 * Whether every value of `mask` is exactly 1 (one reduction and a one-value
 * data sync: call it when masks are set, never per step). Needs no tf.tidy.
 */
export function isAllOnes(mask: tf.Tensor): boolean {
  const all = tf.tidy(() => tf.all(tf.equal(mask, 1)));
  try {
    return all.dataSync()[0] === 1;
  } finally {
    all.dispose();
  }
}

/**
 * The forward pass of a trainable mask without a visible multiply: a new
 * tensor object over the weight's values (Reshape to the same shape shares
 * the data on every tfjs backend, where tf.clone copies it), so that the
 * custom gradient has its own output.
 */
function sameValues(w: tf.Tensor): tf.Tensor {
  return tf.reshape(w, w.shape);
}

/**
 * Builds the effective-weight function of a parameter from its masks, once
 * (never per step). Both masks are 0/1 float32 tensors of the weight's shape:
 * - `visible` only: `w * visible`; the gradient is `dy * visible` (plain autodiff).
 * - `trainable` only: the forward pass is `w` unchanged, the gradient `dy * trainable`.
 * - both: forward `w * visible`, gradient `dy * trainable` (one multiply each way,
 *   through tf.customGrad): a weight visible but not trainable takes part in
 *   the forward pass and gets an exact zero gradient.
 * Neither: `undefined`, so the caller can skip the function and add no op at all.
 * `facts` (optional) drops the multiply of a mask known to be all ones, with the
 * same values and gradients: an all-ones `visible` makes the forward pass `w`
 * (with `trainable` too: the weight's values under a custom gradient, no copy),
 * an all-ones `trainable` makes the gradient `dy` (with neither mask left to
 * apply: `undefined`).
 * The returned function reads the masks it was built with; they must stay alive
 * as long as it is used.
 */
export function maskedWeightFn(
  visible: tf.Tensor | undefined,
  trainable: tf.Tensor | undefined,
  facts: MaskFacts = {},
): EffectiveWeightFn | undefined {
  const shown = facts.visibleAllOnes === true ? undefined : visible;
  if (trainable === undefined) {
    if (shown === undefined) return undefined;
    return (w) => tf.mul(w, shown);
  }
  const forward: EffectiveWeightFn = shown === undefined ? sameValues : (w) => tf.mul(w, shown);
  if (facts.trainableAllOnes === true) {
    if (shown === undefined) return undefined;
    // Forward w * visible with the gradient dy unmasked (as dy * trainable with trainable = 1).
    const unmasked = tf.customGrad((...inputs) => ({ value: forward(inputs[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => [sameValues(dy)] }));
    return (w) => unmasked(w);
  }
  const op = tf.customGrad((...inputs) => {
    const w = inputs[0] as tf.Tensor;
    return { value: forward(w), gradFunc: (dy: tf.Tensor) => [tf.mul(dy, trainable)] };
  });
  return (w) => op(w);
}
