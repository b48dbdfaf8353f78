import * as tf from '@tensorflow/tfjs';
import { RetainError } from '../errors/retain-error.js';

/** Thrown when code run under {@link withLeakCheck} leaves tensors behind. */
export class TensorLeakError extends RetainError {
  readonly leaked: number;

  constructor(label: string, leaked: number) {
    super('ERR_TENSOR_LEAK', `${label}: ${leaked} tensor(s) leaked (tf.memory().numTensors grew by ${leaked})`);
    this.leaked = leaked;
  }
}

/**
 * Runs `fn` and asserts that `tf.memory().numTensors` is back to its value
 * before the call once `fn` (and its returned promise) has finished. Returned
 * tensors count as leaks: return plain data. Used by every package's tests.
 */
export async function withLeakCheck<T>(fn: () => T | Promise<T>, label = 'withLeakCheck'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new TensorLeakError(label, after - before);
  return result;
}

/** Synchronous {@link withLeakCheck}. */
export function withLeakCheckSync<T>(fn: () => T, label = 'withLeakCheckSync'): T {
  const before = tf.memory().numTensors;
  const result = fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new TensorLeakError(label, after - before);
  return result;
}
