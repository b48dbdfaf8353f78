import type { MaskedNetwork } from '@retain/core';
import type { BaseStrategyOptions } from '../../framework/base-strategy.js';
import { PluginStrategy } from '../plugin-strategy.js';
import { EwcPlugin, type EwcOptions } from './ewc-plugin.js';

/** Options of {@link EwcStrategy} and {@link OnlineEwcStrategy}. */
export interface EwcStrategyOptions extends BaseStrategyOptions {
  /** EWC's own settings (lambda, Fisher estimate; gamma for online EWC). */
  readonly ewc?: Omit<EwcOptions, 'online'>;
}

/**
 * EWC (Kirkpatrick et al. 2017): the shared loop plus {@link EwcPlugin}, one
 * quadratic penalty per earlier task. Training settings default to the
 * loop's (ours: the paper tunes its optimiser per experiment); give the
 * compared methods the same budget.
 */
export class EwcStrategy extends PluginStrategy<EwcPlugin> {
  readonly name = 'ewc';

  constructor(network: MaskedNetwork, options: EwcStrategyOptions = {}) {
    super(network, new EwcPlugin({ ...options.ewc, online: false }), options, {});
  }
}

/**
 * Online EWC (Schwarz et al. 2018, "Progress & Compress"): the shared loop
 * plus {@link EwcPlugin} in online mode, one penalty with a running Fisher,
 * memory constant in the number of tasks.
 */
export class OnlineEwcStrategy extends PluginStrategy<EwcPlugin> {
  readonly name = 'online-ewc';

  constructor(network: MaskedNetwork, options: EwcStrategyOptions = {}) {
    super(network, new EwcPlugin({ ...options.ewc, online: true }), options, {});
  }
}
