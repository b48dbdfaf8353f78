import type { MaskedNetwork } from '@retain/core';
import { BaseStrategy, type BaseStrategyOptions } from './base-strategy.js';
import type { ExperienceRun } from './experience-run.js';

/**
 * Naive fine-tuning, the lower bound of every comparison: each experience
 * trains the whole network (and its head) with the shared loop, nothing
 * protects what earlier experiences learned. Defaults: the loop's
 * (DEFAULT_TRAINING: Adam lr 1e-3, batch 64, 1 epoch; ours, there is no
 * paper), set them to the compared method's budget.
 */
export class NaiveStrategy extends BaseStrategy {
  readonly name = 'naive';

  constructor(network: MaskedNetwork, options: BaseStrategyOptions = {}) {
    super(network, options);
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    await this.runPhase(run, 'train');
  }
}
