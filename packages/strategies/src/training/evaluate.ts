import { InvalidArgumentError, type tf } from '@retain/core';
import type { DataSplit } from '@retain/scenarios';
import type { EvalResult } from '../framework/plugin.js';
import { countCorrect, crossEntropy } from './loss.js';

/** Logits of a batch of inputs; the caller disposes them. */
export type LogitsFn = (x: tf.Tensor) => tf.Tensor;

/** Default batch size of evaluation passes. */
export const DEFAULT_EVAL_BATCH_SIZE = 1000;

/**
 * Accuracy of `logitsOf` on `split`, in batches of `batchSize` (no gradient
 * is recorded: nothing here runs under a tape). Returns correct / total.
 */
export function evaluateSplit(logitsOf: LogitsFn, split: DataSplit, batchSize = DEFAULT_EVAL_BATCH_SIZE): EvalResult {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', batchSize, 'a positive integer');
  let correct = 0;
  let total = 0;
  for (const batch of split.batches({ batchSize })) {
    try {
      const logits = logitsOf(batch.x);
      try {
        correct += countCorrect(logits, batch.y);
      } finally {
        logits.dispose();
      }
      total += batch.size;
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  }
  return { correct, total, accuracy: total === 0 ? 0 : correct / total };
}

/** Mean cross-entropy and accuracy of `logitsOf` on `split` (a validation pass). */
export function validationMetrics(logitsOf: LogitsFn, split: DataSplit, batchSize: number): { loss: number; accuracy: number } {
  let lossSum = 0;
  let correct = 0;
  let total = 0;
  for (const batch of split.batches({ batchSize })) {
    try {
      const logits = logitsOf(batch.x);
      try {
        const loss = crossEntropy(logits, batch.y);
        lossSum += (loss.dataSync()[0] ?? NaN) * batch.size;
        loss.dispose();
        correct += countCorrect(logits, batch.y);
      } finally {
        logits.dispose();
      }
      total += batch.size;
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  }
  return total === 0 ? { loss: NaN, accuracy: 0 } : { loss: lossSum / total, accuracy: correct / total };
}
