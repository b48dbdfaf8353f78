import { InvalidArgumentError, type MaskedNetwork } from '@retain/core';
import type { BaseStrategyOptions } from '../../framework/base-strategy.js';
import type { TrainingConfig } from '../../training/training-config.js';
import { PluginStrategy } from '../plugin-strategy.js';
import { ReplayPlugin, type ReplayOptions } from './replay-plugin.js';

/**
 * Experience replay's protocol in Chaudhry et al. 2019: a single pass over
 * each experience in batches of 10 (the memory batch is as large). The
 * optimiser stays the loop's default (ours).
 */
export const REPLAY_TRAINING_DEFAULTS: Partial<TrainingConfig> = { epochs: 1, batchSize: 10 };

/** Options of {@link ReplayStrategy}. */
export interface ReplayStrategyOptions extends BaseStrategyOptions {
  /** The memory's settings (capacity, memory batch size). */
  readonly replay?: ReplayOptions;
}

/**
 * Experience replay with a reservoir memory (Chaudhry et al. 2019): the
 * shared loop plus {@link ReplayPlugin}. Training-time class masking to the
 * current experience would mask the replayed classes, so it is refused.
 */
export class ReplayStrategy extends PluginStrategy<ReplayPlugin> {
  readonly name = 'replay';

  constructor(network: MaskedNetwork, options: ReplayStrategyOptions = {}) {
    if (options.classMasking?.train === 'experience') {
      throw new InvalidArgumentError('classMasking.train', 'experience', "'none': masking to the current experience's classes would hide the replayed ones");
    }
    super(network, new ReplayPlugin(options.replay), options, REPLAY_TRAINING_DEFAULTS);
  }
}
