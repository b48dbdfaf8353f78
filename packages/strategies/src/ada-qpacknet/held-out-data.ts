import { InvalidArgumentError, tf, type Rng } from '@retain/core';
import type { DataSplit, Experience } from '@retain/scenarios';
import type { TrainingBatch } from '../framework/plugin.js';
import { countCorrect } from '../training/loss.js';
import { evaluateSplit, type LogitsFn } from '../training/evaluate.js';
import { splitTrainingData, type TrainingData } from '../training/training-data.js';

/** How much of the training split is held out when an experience has no validation split. */
export interface HoldoutOptions {
  /** Fraction of the training samples held out (0 < f < 1). */
  readonly fraction: number;
  /** At most this many samples are held out. */
  readonly maxSamples: number;
}

/**
 * The data a task's decisions are measured on (the sparsity search's trials,
 * the float and quantised accuracies of the bit-width search), never the test
 * split: the experience's validation split when it has one (the task then
 * trains on its whole training split), else a seeded random part of the
 * training split that the task does not train on.
 */
export interface HeldOutData {
  readonly source: 'validation' | 'training-holdout';
  /** Samples accuracies are measured on. */
  readonly size: number;
  /** What the task trains on. */
  readonly training: TrainingData;
  /** Accuracy of `logits` on the held-out samples, in batches of `batchSize`. */
  accuracy(logits: LogitsFn, batchSize: number): number;
}

/** Picks the held-out data of `experience` (see {@link HeldOutData}); `rng` draws the held-out samples. */
export function heldOutData(experience: Experience, options: HoldoutOptions, rng: Rng): HeldOutData {
  const validation = experience.validation;
  if (validation !== undefined && validation.size > 0) {
    return {
      source: 'validation',
      size: validation.size,
      training: splitTrainingData(experience.train),
      accuracy: (logits, batchSize) => evaluateSplit(logits, validation, batchSize).accuracy,
    };
  }
  const train = experience.train;
  const count = Math.min(options.maxSamples, Math.round(options.fraction * train.size));
  if (count < 1 || count >= train.size) {
    throw new InvalidArgumentError('holdout', { ...options, trainingSamples: train.size }, `a held-out part of 1..${train.size - 1} samples (give the experience a validation split, or change holdout)`);
  }
  const held = new Uint8Array(train.size);
  const order = rng.permutation(train.size);
  for (let k = 0; k < count; k++) held[order[k] as number] = 1;
  const x = new Float32Array(count * train.featureSize);
  const y = new Int32Array(count);
  let n = 0;
  for (const b of train.arrayBatches({ batchSize: 4096 })) {
    for (let r = 0; r < b.size; r++) {
      if (held[b.positions[r] as number] !== 1) continue;
      x.set(b.x.subarray(r * train.featureSize, (r + 1) * train.featureSize), n * train.featureSize);
      y[n++] = b.y[r] as number;
    }
  }
  return {
    source: 'training-holdout',
    size: count,
    training: remainingData(train, held, train.size - count),
    accuracy: (logits, batchSize) => arrayAccuracy(logits, x, y, train.inputShape, batchSize),
  };
}

/** The training split without the held-out samples, re-batched to full batches (the last may be short). */
function remainingData(train: DataSplit, held: Uint8Array, size: number): TrainingData {
  const f = train.featureSize;
  return {
    size,
    numBatches: (batchSize) => Math.ceil(size / batchSize),
    *batches(batchSize: number, rng: Rng | undefined): Iterable<TrainingBatch> {
      const bx = new Float32Array(batchSize * f);
      const by = new Int32Array(batchSize);
      let fill = 0;
      const emit = (rows: number): TrainingBatch => ({
        x: tf.tensor(bx.slice(0, rows * f), [rows, ...train.inputShape], 'float32'),
        y: tf.tensor1d(by.slice(0, rows), 'int32'),
        size: rows,
      });
      const source = rng === undefined ? train.arrayBatches({ batchSize }) : train.arrayBatches({ batchSize, shuffle: true, rng });
      for (const b of source) {
        for (let r = 0; r < b.size; r++) {
          if (held[b.positions[r] as number] === 1) continue;
          bx.set(b.x.subarray(r * f, (r + 1) * f), fill * f);
          by[fill++] = b.y[r] as number;
          if (fill === batchSize) {
            fill = 0;
            yield emit(batchSize);
          }
        }
      }
      if (fill > 0) yield emit(fill);
    },
  };
}

function arrayAccuracy(logits: LogitsFn, x: Float32Array, y: Int32Array, inputShape: readonly number[], batchSize: number): number {
  const f = inputShape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < y.length; start += batchSize) {
    const rows = Math.min(batchSize, y.length - start);
    const xs = tf.tensor(x.subarray(start * f, (start + rows) * f), [rows, ...inputShape], 'float32');
    const ys = tf.tensor1d(y.subarray(start, start + rows), 'int32');
    try {
      const out = logits(xs);
      try {
        correct += countCorrect(out, ys);
      } finally {
        out.dispose();
      }
    } finally {
      xs.dispose();
      ys.dispose();
    }
  }
  return y.length === 0 ? 0 : correct / y.length;
}
