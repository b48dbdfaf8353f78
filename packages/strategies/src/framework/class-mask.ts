import { InvalidArgumentError, tf } from '@retain/core';

/**
 * `logits` [batch, classes] with every column not in `allowed` set to `fill`
 * (-Infinity for prediction: those classes can never win; a finite large
 * negative value in training, see TRAINING_MASK_VALUE). The caller disposes
 * the result; `logits` is left alone.
 *
 * @example
 * maskLogits(tf.tensor2d([[1, 5, 2]]), [0, 2]); // [[1, -Infinity, 2]]
 */
export function maskLogits(logits: tf.Tensor, allowed: Iterable<number>, fill = -Infinity): tf.Tensor {
  const classes = logits.shape[logits.shape.length - 1] ?? 0;
  const keep = new Uint8Array(classes);
  for (const c of allowed) {
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new InvalidArgumentError('allowed', c, `a class index in [0, ${classes})`);
    keep[c] = 1;
  }
  if (keep.every((k) => k === 1)) return logits.clone();
  return tf.tidy(() => {
    const cond = tf.broadcastTo(tf.tensor1d(keep, 'bool'), logits.shape);
    return tf.where(cond, logits, tf.fill(logits.shape, fill));
  });
}
