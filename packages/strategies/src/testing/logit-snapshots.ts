import { tf } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import type { Strategy, StrategyContext } from '../framework/strategy.js';

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

/**
 * Trains `strategy` on `experiences` in order. After each, compares every
 * trained task's test logits with those taken right after that task trained.
 * Returns one entry per change, `task j after task t` (empty: zero forgetting).
 * `afterTask` sees each train report (for per-task assertions).
 */
export async function trainCheckingEarlierLogits<S extends Strategy>(
  strategy: S,
  experiences: readonly Experience[],
  context: StrategyContext,
  afterTask?: (report: Awaited<ReturnType<S['train']>>, experience: Experience) => void,
): Promise<string[]> {
  const snapshots: Float32Array[] = [];
  const changed: string[] = [];
  for (const e of experiences) {
    const report = (await strategy.train(e, context)) as Awaited<ReturnType<S['train']>>;
    afterTask?.(report, e);
    snapshots.push(testLogits(strategy, e));
    snapshots.forEach((snapshot, j) => {
      if (!bitIdentical(testLogits(strategy, experiences[j] as Experience), snapshot)) changed.push(`task ${j} after task ${e.taskId}`);
    });
  }
  return changed;
}
