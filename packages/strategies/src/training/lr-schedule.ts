import { InvalidArgumentError } from '@retain/core';

/**
 * Learning-rate schedule of a training phase, stepped once per epoch.
 * - `constant`;
 * - `step`: lr x gamma every `stepSize` epochs (PyTorch's StepLR);
 * - `plateau`: lr x factor when the monitored loss (validation loss when a
 *   validation split exists, else the training loss) has not improved by more
 *   than `threshold` (relative, PyTorch's 'rel' mode) for `patience` epochs;
 *   not below `minLr`. With `stopAtMinLr` the phase ends once the lr would go
 *   below `minLr` (GPM / WSN / BLIP's loop: lr /= 3 on plateau, stop under lr_min).
 */
export type LrScheduleConfig =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly stepSize: number; readonly gamma: number }
  | {
      readonly kind: 'plateau';
      readonly factor: number;
      readonly patience: number;
      readonly minLr: number;
      readonly threshold?: number;
      readonly stopAtMinLr?: boolean;
    };

/** What the schedule decides after an epoch. */
export interface LrDecision {
  /** The lr for the next epoch. */
  readonly learningRate: number;
  /** Set when the schedule ends the phase (plateau with stopAtMinLr). */
  readonly stop?: string;
}

/** Throws InvalidArgumentError for settings outside their ranges. */
export function checkLrSchedule(config: LrScheduleConfig, field = 'lrSchedule'): void {
  if (config.kind === 'constant') return;
  if (config.kind === 'step') {
    if (!Number.isInteger(config.stepSize) || config.stepSize < 1) throw new InvalidArgumentError(`${field}.stepSize`, config.stepSize, 'a positive integer (epochs)');
    if (!(config.gamma > 0 && config.gamma <= 1)) throw new InvalidArgumentError(`${field}.gamma`, config.gamma, 'a number in (0, 1]');
    return;
  }
  if (config.kind === 'plateau') {
    if (!(config.factor > 0 && config.factor < 1)) throw new InvalidArgumentError(`${field}.factor`, config.factor, 'a number in (0, 1)');
    if (!Number.isInteger(config.patience) || config.patience < 0) throw new InvalidArgumentError(`${field}.patience`, config.patience, 'a non-negative integer');
    if (!(config.minLr >= 0 && Number.isFinite(config.minLr))) throw new InvalidArgumentError(`${field}.minLr`, config.minLr, 'a non-negative number');
    const t = config.threshold ?? 1e-4;
    if (!(t >= 0 && Number.isFinite(t))) throw new InvalidArgumentError(`${field}.threshold`, t, 'a non-negative number');
    return;
  }
  throw new InvalidArgumentError(`${field}.kind`, (config as { kind: unknown }).kind, "'constant', 'step' or 'plateau'");
}

/** A schedule's state over one phase: pure arithmetic, no tensors. */
export class LrScheduler {
  private readonly config: LrScheduleConfig;
  private lr: number;
  private readonly initial: number;
  private best = Infinity;
  private badEpochs = 0;

  constructor(config: LrScheduleConfig, initialLr: number) {
    checkLrSchedule(config);
    this.config = config;
    this.lr = initialLr;
    this.initial = initialLr;
  }

  /** The lr now. */
  get learningRate(): number {
    return this.lr;
  }

  /** Takes an lr set from outside (a plugin) as the current one. */
  override(lr: number): void {
    this.lr = lr;
  }

  /** Steps after epoch `epoch` (0-based) whose monitored loss was `loss`. */
  afterEpoch(epoch: number, loss: number): LrDecision {
    const c = this.config;
    if (c.kind === 'step') {
      this.lr = this.initial * c.gamma ** Math.floor((epoch + 1) / c.stepSize);
      return { learningRate: this.lr };
    }
    if (c.kind === 'plateau') {
      const threshold = c.threshold ?? 1e-4;
      if (loss < this.best * (1 - threshold)) {
        this.best = loss;
        this.badEpochs = 0;
        return { learningRate: this.lr };
      }
      this.badEpochs++;
      if (this.badEpochs > c.patience) {
        this.badEpochs = 0;
        const next = this.lr * c.factor;
        if (next < c.minLr) {
          if (c.stopAtMinLr === true) return { learningRate: this.lr, stop: `learning rate would fall below minLr ${c.minLr}` };
          this.lr = c.minLr;
        } else {
          this.lr = next;
        }
      }
    }
    return { learningRate: this.lr };
  }
}
