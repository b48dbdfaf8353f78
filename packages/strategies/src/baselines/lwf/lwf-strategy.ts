import { InvalidArgumentError, type MaskedNetwork } from '@retain/core';
import type { BaseStrategyOptions } from '../../framework/base-strategy.js';
import type { ExperienceRun } from '../../framework/experience-run.js';
import { PluginStrategy } from '../plugin-strategy.js';
import { LWF_WARMUP_PHASE, LwfPlugin, type LwfOptions } from './lwf-plugin.js';

/** Options of {@link LwfStrategy}. */
export interface LwfStrategyOptions extends BaseStrategyOptions {
  /** LwF's own settings (T, lambda_o). */
  readonly lwf?: LwfOptions;
  /**
   * Epochs of LwF's warm-up step (Li & Hoiem 2017, Sec. 3: train only the new
   * task's head, the rest frozen, before training everything) for multi-head
   * networks. Default 0 (ours: no warm-up; the paper warms up "to convergence").
   */
  readonly warmupEpochs?: number;
}

/**
 * Learning without Forgetting (Li & Hoiem 2017): an optional warm-up of the
 * new head, then the shared loop with {@link LwfPlugin}'s distillation.
 * Training settings default to the loop's (ours: the paper trains ImageNet
 * CNNs with SGD, settings that do not carry over to our models).
 */
export class LwfStrategy extends PluginStrategy<LwfPlugin> {
  readonly name = 'lwf';
  readonly warmupEpochs: number;

  constructor(network: MaskedNetwork, options: LwfStrategyOptions = {}) {
    super(network, new LwfPlugin(options.lwf), options, {});
    this.warmupEpochs = options.warmupEpochs ?? 0;
    if (!Number.isInteger(this.warmupEpochs) || this.warmupEpochs < 0) throw new InvalidArgumentError('warmupEpochs', this.warmupEpochs, 'a non-negative integer');
  }

  protected override async trainExperience(run: ExperienceRun): Promise<void> {
    if (this.warmupEpochs > 0 && this.network.heads.multiHead) {
      const head = this.network.heads.head(run.taskId).parameters().map((p) => p.variable);
      await this.runPhase(run, LWF_WARMUP_PHASE, { epochs: this.warmupEpochs }, { variables: head });
    }
    await this.runPhase(run, 'train');
  }
}
