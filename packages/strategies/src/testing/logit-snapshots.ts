import { tf } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import type { Strategy } from '../framework/strategy.js';

/** The logits `strategy` predicts for `experience`'s whole test split with its task id, as raw float32 values. */
export function testLogits(strategy: Strategy, experience: Experience): Float32Array {
  const split = experience.test;
  const x = tf.tensor(split.inputs(), [split.size, ...split.inputShape], 'float32');
  try {
    const logits = strategy.predict(x, experience.taskId);
    const values = Float32Array.from(logits.dataSync() as Float32Array);
    logits.dispose();
    return values;
  } finally {
    x.dispose();
  }
}

/** Whether two float32 arrays hold the same bits (so -0 differs from 0, and NaN equals the same NaN). */
export function bitIdentical(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}
