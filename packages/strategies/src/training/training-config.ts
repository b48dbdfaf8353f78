import { InvalidArgumentError } from '@retain/core';
import { checkEarlyStopping, type EarlyStoppingConfig } from './early-stopping.js';
import { checkLrSchedule, type LrScheduleConfig } from './lr-schedule.js';
import { checkOptimizerConfig, type OptimizerConfig } from './optimizer.js';

/**
 * How weight decay enters: `l2` adds wd * w to the gradient before the
 * optimiser (PyTorch's `weight_decay` argument of SGD and Adam, "coupled");
 * `decoupled` subtracts lr * wd * w after the step (AdamW, Loshchilov and
 * Hutter 2019). Either way only where the weight may train (its trainable
 * mask), so frozen weights stay bit-identical.
 */
export type WeightDecayMode = 'l2' | 'decoupled';

/** Settings of one training phase. Every field has a default (see {@link DEFAULT_TRAINING}). */
export interface TrainingConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerConfig;
  readonly weightDecay: number;
  readonly weightDecayMode: WeightDecayMode;
  readonly lrSchedule: LrScheduleConfig;
  /** Needs a validation split (Experience.validation); ignored without one. */
  readonly earlyStopping?: EarlyStoppingConfig;
  /** Shuffle the training samples every epoch (seeded). */
  readonly shuffle: boolean;
  /** Batch size of validation passes (no gradients). */
  readonly evalBatchSize: number;
}

/**
 * Defaults of the shared loop (ours; each strategy sets its paper's values):
 * 1 epoch, batch 64, Adam lr 1e-3, no weight decay, constant lr, no early
 * stopping, shuffled, validation batches of 1,000.
 */
export const DEFAULT_TRAINING: TrainingConfig = {
  epochs: 1,
  batchSize: 64,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
  weightDecay: 0,
  weightDecayMode: 'l2',
  lrSchedule: { kind: 'constant' },
  shuffle: true,
  evalBatchSize: 1000,
};

function checkPositiveInteger(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(field, v, 'a positive integer');
}

/** `base` with `overrides` applied, validated; throws InvalidArgumentError naming the field at fault. */
export function resolveTrainingConfig(base: TrainingConfig, ...overrides: readonly (Partial<TrainingConfig> | undefined)[]): TrainingConfig {
  let out: TrainingConfig = base;
  for (const o of overrides) if (o !== undefined) out = { ...out, ...o };
  if (!Number.isInteger(out.epochs) || out.epochs < 0) throw new InvalidArgumentError('training.epochs', out.epochs, 'a non-negative integer');
  checkPositiveInteger('training.batchSize', out.batchSize);
  checkPositiveInteger('training.evalBatchSize', out.evalBatchSize);
  checkOptimizerConfig(out.optimizer, 'training.optimizer');
  if (!(out.weightDecay >= 0 && Number.isFinite(out.weightDecay))) throw new InvalidArgumentError('training.weightDecay', out.weightDecay, 'a non-negative number');
  if (out.weightDecayMode !== 'l2' && out.weightDecayMode !== 'decoupled') {
    throw new InvalidArgumentError('training.weightDecayMode', out.weightDecayMode, "'l2' or 'decoupled'");
  }
  checkLrSchedule(out.lrSchedule, 'training.lrSchedule');
  if (out.earlyStopping !== undefined) checkEarlyStopping(out.earlyStopping, 'training.earlyStopping');
  return out;
}
