import type { Rng } from '@retain/core';
import type { DataSplit } from '@retain/scenarios';
import type { TrainingBatch } from '../framework/plugin.js';

/**
 * What the loop trains on: batches the caller (the loop) disposes. One
 * experience's training split by default; Joint training chains several.
 */
export interface TrainingData {
  /** Samples per pass. */
  readonly size: number;
  /** Batches per pass. */
  numBatches(batchSize: number): number;
  /** One pass; shuffled with `rng` when given. The caller disposes each batch's tensors. */
  batches(batchSize: number, rng: Rng | undefined): Iterable<TrainingBatch>;
}

/** The training data of one split, every sample of task `taskId` (no segments). */
export function splitTrainingData(split: DataSplit): TrainingData {
  return {
    size: split.size,
    numBatches: (batchSize) => split.numBatches({ batchSize }),
    batches: (batchSize, rng) =>
      rng === undefined ? split.batches({ batchSize }) : split.batches({ batchSize, shuffle: true, rng }),
  };
}
