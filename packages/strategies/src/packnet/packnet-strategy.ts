import { InvalidArgumentError, type MaskedNetwork } from '@retain/core';
import { BitMask } from '@retain/masks';
import { magnitudePrune } from '@retain/pruning';
import type { BaseStrategyOptions } from '../framework/base-strategy.js';
import type { ExperienceRun } from '../framework/experience-run.js';
import { NestedMaskStrategy } from '../framework/nested-mask-strategy.js';
import { packNetMachine, type PackNetAction, type PackNetPhase } from './packnet-phases.js';

/** Options of {@link PackNetStrategy}. */
export interface PackNetOptions extends BaseStrategyOptions {
  /**
   * Fraction of the weights a task trained (its free weights) released by
   * magnitude pruning, per layer; a number, or a function of the experience
   * index. Default 0.75 (the paper reports 50 % and 75 %).
   */
  readonly pruneFraction?: number | ((experienceIndex: number) => number);
  /** Epochs of retraining the survivors after pruning; default half the training epochs, at least 1 (ours). 0 skips it. */
  readonly retrainEpochs?: number;
  /** Learning rate of retraining; default the training learning rate (ours). */
  readonly retrainLearningRate?: number;
}

/**
 * A prune schedule that gives each of `tasks` tasks an equal share of every
 * layer (ours): experience i keeps 1 / (tasks - i) of the weights still free,
 * i.e. prunes 1 - 1 / (tasks - i); the last task keeps all that is left.
 *
 * @example
 * packNetEqualShares(4)(0); // 0.75: the first of 4 tasks keeps a quarter
 */
export function packNetEqualShares(tasks: number): (experienceIndex: number) => number {
  if (!Number.isInteger(tasks) || tasks < 1) throw new InvalidArgumentError('tasks', tasks, 'a positive integer');
  return (i) => (i >= tasks - 1 ? 0 : 1 - 1 / (tasks - i));
}

/** PackNet's default prune fraction. */
export const PACKNET_DEFAULT_PRUNE_FRACTION = 0.75;

/**
 * PackNet (Mallya and Lazebnik, CVPR 2018): per task, train the free weights
 * (earlier tasks' weights visible but frozen), prune a fraction of the task's
 * weights by magnitude per layer (pruned weights are set to 0 and freed for
 * later tasks), retrain the survivors, freeze them: the task owns them in the
 * ownership map. Inference for task t uses weights owned by tasks 1..t
 * (nested) and task t's head. Biases and shared batch norm train with the
 * first task only and are frozen after it (as the paper does for biases);
 * per-task heads and per-task batch norm train with their task. Zero
 * forgetting by construction.
 */
export class PackNetStrategy extends NestedMaskStrategy<PackNetPhase, PackNetAction> {
  readonly name = 'packnet';
  private readonly packOptions: PackNetOptions;
  /** Surviving weights of the active task after pruning, by kernel. */

  constructor(network: MaskedNetwork, options: PackNetOptions = {}) {
    super(network, options, {}, packNetMachine());
    this.packOptions = options;
    if (typeof options.pruneFraction === 'number') checkFraction(options.pruneFraction);
    if (options.retrainEpochs !== undefined && (!Number.isInteger(options.retrainEpochs) || options.retrainEpochs < 0)) {
      throw new InvalidArgumentError('retrainEpochs', options.retrainEpochs, 'a non-negative integer');
    }
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    this.machine.apply('train');
    this.activeTask = run.taskId;
    this.invalidateMasks();
    const trained = await this.runPhase(run, 'train');
    this.prune(run.experience.index);
    run.context.progress?.({ type: 'note', experience: run.experience.index, taskId: run.taskId, phase: 'prune', message: this.pruneSummary() });
    const epochs = this.packOptions.retrainEpochs ?? Math.max(1, Math.round(trained.epochsPlanned / 2));
    if (epochs > 0) {
      this.machine.apply('retrain');
      this.invalidateMasks();
      const base = this.trainingConfigFor(run.experience);
      const lr = this.packOptions.retrainLearningRate ?? base.optimizer.learningRate;
      await this.runPhase(run, 'retrain', { epochs, optimizer: { ...base.optimizer, learningRate: lr } });
    }
    this.freeze(run.taskId);
  }

  /** Releases the smallest-magnitude fraction of the active task's free weights, per layer; zeroes them. */
  private prune(experienceIndex: number): void {
    this.machine.check('prune');
    const taskId = this.activeTask as number;
    const id = this.ownerId(taskId);
    const fraction = typeof this.packOptions.pruneFraction === 'function' ? this.packOptions.pruneFraction(experienceIndex) : (this.packOptions.pruneFraction ?? PACKNET_DEFAULT_PRUNE_FRACTION);
    checkFraction(fraction);
    const kept = new Map<string, BitMask>();
    for (const p of this.maskable) {
      const free = this.ownership.trainable(id, p.name, 32);
      const w = p.read();
      const keep = magnitudePrune(w, { keepFraction: 1 - fraction, eligible: free.indices() });
      free.forEachSet((i) => {
        if (keep[i] === 0) w[i] = 0;
      });
      p.write(w);
      kept.set(p.name, BitMask.fromDense(keep));
    }
    this.kept = kept;
    this.machine.apply('prune');
    this.invalidateMasks();
  }

  private pruneSummary(): string {
    let kept = 0;
    let total = 0;
    for (const p of this.maskable) {
      kept += this.kept.get(p.name)?.popcount() ?? 0;
      total += p.size;
    }
    return `kept ${kept} of ${total} shared kernel weights (${((100 * kept) / Math.max(1, total)).toFixed(1)} %) for this task`;
  }

  protected abandonAction(): PackNetAction {
    return 'abandon';
  }

  protected idlePhase(): PackNetPhase {
    return 'idle';
  }
}

function checkFraction(f: number): void {
  if (!(f >= 0 && f < 1)) throw new InvalidArgumentError('pruneFraction', f, 'a number in [0, 1)');
}
