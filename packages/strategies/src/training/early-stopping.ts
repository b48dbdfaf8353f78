import { InvalidArgumentError } from '@retain/core';

/**
 * Early stopping on the validation split: stop after `patience` epochs
 * without an improvement of more than `minDelta` in the monitored metric, and
 * (with `restoreBest`, default true) put back the weights of the best epoch.
 * Needs a validation split; without one it is not applied.
 */
export interface EarlyStoppingConfig {
  readonly monitor?: 'loss' | 'accuracy';
  readonly patience: number;
  readonly minDelta?: number;
  readonly restoreBest?: boolean;
}

/** Throws InvalidArgumentError for settings outside their ranges. */
export function checkEarlyStopping(config: EarlyStoppingConfig, field = 'earlyStopping'): void {
  if (!Number.isInteger(config.patience) || config.patience < 0) throw new InvalidArgumentError(`${field}.patience`, config.patience, 'a non-negative integer (epochs)');
  const d = config.minDelta ?? 0;
  if (!(d >= 0 && Number.isFinite(d))) throw new InvalidArgumentError(`${field}.minDelta`, d, 'a non-negative number');
  const m = config.monitor ?? 'loss';
  if (m !== 'loss' && m !== 'accuracy') throw new InvalidArgumentError(`${field}.monitor`, m, "'loss' or 'accuracy'");
}

/** Tracks the best epoch; pure arithmetic, no tensors. */
export class EarlyStopper {
  private readonly config: EarlyStoppingConfig;
  private bestScore = -Infinity;
  private bestEpochValue = -1;
  private waited = 0;

  constructor(config: EarlyStoppingConfig) {
    checkEarlyStopping(config);
    this.config = config;
  }

  /** The best epoch so far (-1 before any). */
  get bestEpoch(): number {
    return this.bestEpochValue;
  }

  /**
   * Records epoch `epoch`'s validation metrics. Returns whether it is the new
   * best (the caller snapshots the weights) and whether to stop now.
   */
  update(epoch: number, loss: number, accuracy: number): { improved: boolean; stop: boolean } {
    const score = (this.config.monitor ?? 'loss') === 'loss' ? -loss : accuracy;
    const minDelta = this.config.minDelta ?? 0;
    if (this.bestEpochValue < 0 || score > this.bestScore + minDelta) {
      this.bestScore = score;
      this.bestEpochValue = epoch;
      this.waited = 0;
      return { improved: true, stop: false };
    }
    this.waited++;
    return { improved: false, stop: this.waited > this.config.patience };
  }
}
