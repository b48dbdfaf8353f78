import { tf, type Rng } from '@retain/core';
import type { DataSplit } from '@retain/scenarios';
import type { TrainingBatch } from '../framework/plugin.js';
import type { TrainingData } from '../training/training-data.js';
import { instanceScores, type InstanceCriterion } from './instance-scores.js';

/** Some samples of a split, copied out as typed arrays. */
export interface SampleSubset {
  /** size x featureSize inputs. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly size: number;
  readonly inputShape: readonly number[];
  /** Which samples of the source split these are (sorted). */
  readonly indices: Uint32Array;
}

const READ_BATCH = 1000;

/**
 * Scores every sample of `split` by `criterion` from the logits `logitsOf`
 * gives (inference mode; caller-owned tensors are disposed here). Returns the
 * scores and labels in the split's stored order.
 */
export function scoreSplit(logitsOf: (x: tf.Tensor) => tf.Tensor, split: DataSplit, criterion: InstanceCriterion): { scores: Float32Array; labels: Int32Array } {
  const scores = new Float32Array(split.size);
  const labels = new Int32Array(split.size);
  for (const b of split.arrayBatches({ batchSize: READ_BATCH })) {
    const x = tf.tensor(b.x, [b.size, ...split.inputShape], 'float32');
    let values: Float32Array;
    let classes: number;
    try {
      const logits = logitsOf(x);
      classes = logits.shape[logits.shape.length - 1] ?? 1;
      values = Float32Array.from(logits.dataSync() as Float32Array);
      logits.dispose();
    } finally {
      x.dispose();
    }
    const s = instanceScores(values, b.y, classes, criterion);
    b.positions.forEach((p, k) => {
      scores[p] = s[k] as number;
      labels[p] = b.y[k] as number;
    });
  }
  return { scores, labels };
}

/** Copies the samples `indices` (sorted, in range) of `split` out of it. */
export function gatherSubset(split: DataSplit, indices: Uint32Array): SampleSubset {
  const f = split.featureSize;
  const x = new Float32Array(indices.length * f);
  const y = new Int32Array(indices.length);
  const slot = new Map<number, number>();
  indices.forEach((i, k) => slot.set(i, k));
  for (const b of split.arrayBatches({ batchSize: READ_BATCH })) {
    b.positions.forEach((p, k) => {
      const at = slot.get(p);
      if (at === undefined) return;
      x.set(b.x.subarray(k * f, (k + 1) * f), at * f);
      y[at] = b.y[k] as number;
    });
  }
  return { x, y, size: indices.length, inputShape: [...split.inputShape], indices: indices.slice() };
}

/** The training data of a subset: batches in a seeded random order per pass (the caller disposes them). */
export function subsetTrainingData(subset: SampleSubset): TrainingData {
  const f = subset.inputShape.reduce((a, b) => a * b, 1);
  return {
    size: subset.size,
    numBatches: (batchSize) => Math.ceil(subset.size / batchSize),
    *batches(batchSize: number, rng: Rng | undefined): Iterable<TrainingBatch> {
      const order = Uint32Array.from({ length: subset.size }, (_, i) => i);
      if (rng !== undefined) rng.shuffle(order);
      for (let start = 0; start < subset.size; start += batchSize) {
        const rows = order.subarray(start, Math.min(subset.size, start + batchSize));
        const bx = new Float32Array(rows.length * f);
        const by = new Int32Array(rows.length);
        rows.forEach((r, k) => {
          bx.set(subset.x.subarray(r * f, (r + 1) * f), k * f);
          by[k] = subset.y[r] as number;
        });
        yield { x: tf.tensor(bx, [rows.length, ...subset.inputShape], 'float32'), y: tf.tensor1d(by, 'int32'), size: rows.length };
      }
    },
  };
}

/** The subset's samples in batches of `batchSize` as (x, y) tensors, for statistics; the caller disposes them. */
export function subsetTensorBatches(subset: SampleSubset, batchSize: number): { x: tf.Tensor; y: tf.Tensor1D }[] {
  const f = subset.inputShape.reduce((a, b) => a * b, 1);
  const out: { x: tf.Tensor; y: tf.Tensor1D }[] = [];
  for (let start = 0; start < subset.size; start += batchSize) {
    const end = Math.min(subset.size, start + batchSize);
    out.push({
      x: tf.tensor(subset.x.slice(start * f, end * f), [end - start, ...subset.inputShape], 'float32'),
      y: tf.tensor1d(subset.y.slice(start, end), 'int32'),
    });
  }
  return out;
}
