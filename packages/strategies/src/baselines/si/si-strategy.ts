import type { MaskedNetwork } from '@retain/core';
import type { BaseStrategyOptions } from '../../framework/base-strategy.js';
import type { TrainingConfig } from '../../training/training-config.js';
import { PluginStrategy } from '../plugin-strategy.js';
import { SiPlugin, type SiOptions } from './si-plugin.js';

/**
 * SI's training settings on permuted MNIST (the authors' code,
 * ganguli-lab/pathint fig_permuted_mnist): Adam lr 1e-3 (beta1 0.9, beta2
 * 0.999), batch 256, 20 epochs per task. (Their split MNIST: batch 64, 10 epochs.)
 */
export const SI_TRAINING_DEFAULTS: Partial<TrainingConfig> = {
  epochs: 20,
  batchSize: 256,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
};

/** Options of {@link SiStrategy}. */
export interface SiStrategyOptions extends BaseStrategyOptions {
  /** SI's own settings (c, xi). */
  readonly si?: SiOptions;
}

/** Synaptic Intelligence (Zenke et al. 2017): the shared loop plus {@link SiPlugin}. */
export class SiStrategy extends PluginStrategy<SiPlugin> {
  readonly name = 'si';

  constructor(network: MaskedNetwork, options: SiStrategyOptions = {}) {
    super(network, new SiPlugin(options.si), options, SI_TRAINING_DEFAULTS);
  }
}
