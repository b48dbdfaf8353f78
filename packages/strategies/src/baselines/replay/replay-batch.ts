import { tf } from '@retain/core';
import type { BatchSegment, TrainingBatch } from '../../framework/plugin.js';
import type { ReservoirSample } from './reservoir-buffer.js';

/**
 * The batch `batch` followed by the memory samples `memory`, as one training
 * batch: memory samples grouped by task id (stable), and `segments` routing
 * each run through its task's head whenever a sample is of another task than
 * `taskId` (the task being trained) or the batch already had segments.
 * Returns new tensors (the caller, the loop, owns them).
 */
export function appendMemory(batch: TrainingBatch, memory: ReservoirSample, taskId: number): TrainingBatch {
  const order = Array.from({ length: memory.size }, (_, i) => i).sort((a, b) => (memory.taskIds[a] as number) - (memory.taskIds[b] as number) || a - b);
  const f = memory.size === 0 ? 0 : memory.x.length / memory.size;
  const mx = new Float32Array(memory.size * f);
  const my = new Int32Array(memory.size);
  const runs: BatchSegment[] = [];
  order.forEach((src, k) => {
    mx.set(memory.x.subarray(src * f, (src + 1) * f), k * f);
    my[k] = memory.y[src] as number;
    const t = memory.taskIds[src] as number;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.taskId === t) runs[runs.length - 1] = { ...last, size: last.size + 1 };
    else runs.push({ taskId: t, start: batch.size + k, size: 1 });
  });
  const mixed = batch.segments !== undefined || runs.some((r) => r.taskId !== taskId);
  const { x, y } = tf.tidy(() => ({
    x: tf.concat([batch.x, tf.tensor(mx, [memory.size, ...batch.x.shape.slice(1)], 'float32')]),
    y: tf.concat([batch.y, tf.tensor1d(my, 'int32')]) as tf.Tensor1D,
  }));
  const own = batch.segments ?? [{ taskId, start: 0, size: batch.size }];
  return { x, y, size: batch.size + memory.size, ...(mixed ? { segments: [...own, ...runs] } : {}) };
}
