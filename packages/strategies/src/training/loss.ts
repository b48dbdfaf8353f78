import { tf } from '@retain/core';

/**
 * Mean softmax cross-entropy of `logits` [batch, classes] against int32
 * `labels` [batch]. Built from oneHot and logSoftmax (no gather, whose
 * gradient has no wasm kernel). Masked logits must be finite (use
 * {@link TRAINING_MASK_VALUE}): 0 x -Infinity is NaN.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1] ?? 1;
    const oneHot = tf.oneHot(labels, classes).toFloat();
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/** Number of rows of `logits` whose argmax equals the label (a data sync). */
export function countCorrect(logits: tf.Tensor, labels: tf.Tensor1D): number {
  const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')));
  const n = hits.dataSync()[0] ?? 0;
  hits.dispose();
  return n;
}

/** The value given to masked-out logits in training: finite, so cross-entropy stays defined. */
export const TRAINING_MASK_VALUE = -1e9;
