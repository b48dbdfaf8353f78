import type { MaskedNetwork } from '@retain/core';
import {
  AdaQPacknetStrategy,
  BlipStrategy,
  EsaclStrategy,
  EwcStrategy,
  JointStrategy,
  LwfStrategy,
  NaiveStrategy,
  OnlineEwcStrategy,
  PackNetStrategy,
  ReplayStrategy,
  SiStrategy,
  WsnStrategy,
  packNetEqualShares,
  type Strategy,
  type TrainingConfig,
} from '@retain/strategies';
import type { RunConfig } from '../config/schema.js';
import type { StrategyName, StrategyOptionsOf } from '../config/strategy-schemas.js';

/** What a factory needs besides the network and the validated options. */
export interface StrategyBuildContext {
  /** Training settings from the config's `training` section (fields left out keep the strategy's defaults). */
  readonly training: Partial<TrainingConfig>;
  /** Number of experiences in the scenario (PackNet's equal shares). */
  readonly tasks: number;
}

type Factory<N extends StrategyName> = (network: MaskedNetwork, options: StrategyOptionsOf<N>, context: StrategyBuildContext) => Strategy;

/** Every strategy of @retain/strategies by its registry name: network + validated options -> strategy. */
export const STRATEGY_FACTORIES: { readonly [N in StrategyName]: Factory<N> } = {
  naive: (net, o, c) => new NaiveStrategy(net, { ...o, training: c.training }),
  joint: (net, o, c) => new JointStrategy(net, { ...o, training: c.training }),
  ewc: (net, o, c) => new EwcStrategy(net, { ...o, training: c.training }),
  'online-ewc': (net, o, c) => new OnlineEwcStrategy(net, { ...o, training: c.training }),
  si: (net, o, c) => new SiStrategy(net, { ...o, training: c.training }),
  lwf: (net, o, c) => new LwfStrategy(net, { ...o, training: c.training }),
  replay: (net, o, c) => new ReplayStrategy(net, { ...o, training: c.training }),
  packnet: (net, o, c) => {
    const { pruneFraction, ...rest } = o;
    return new PackNetStrategy(net, {
      ...rest,
      ...(pruneFraction === undefined ? {} : { pruneFraction: pruneFraction === 'equal' ? packNetEqualShares(c.tasks) : pruneFraction }),
      training: c.training,
    });
  },
  wsn: (net, o, c) => new WsnStrategy(net, { ...o, training: c.training }),
  'ada-qpacknet': (net, o, c) => {
    const { sparsitySearch, ...rest } = o;
    const range = sparsitySearch?.sparsityRange;
    return new AdaQPacknetStrategy(net, {
      ...rest,
      ...(sparsitySearch === undefined ? {} : { sparsitySearch: { ...sparsitySearch, ...(range === undefined ? {} : { sparsityRange: [range[0], range[1]] as const }) } }),
      training: c.training,
    });
  },
  blip: (net, o, c) => new BlipStrategy(net, { ...o, training: c.training }),
  esacl: (net, o, c) => new EsaclStrategy(net, { ...o, training: c.training }),
};

/** The `training` section as the strategies' Partial<TrainingConfig> (only the fields given). */
export function trainingOverrides(config: RunConfig): Partial<TrainingConfig> {
  return { ...config.training } as Partial<TrainingConfig>;
}

/** Builds the configured strategy around `network` (which it then owns). */
export function createStrategy(config: RunConfig, network: MaskedNetwork, tasks: number): Strategy {
  const { name, options } = config.strategy;
  const factory = STRATEGY_FACTORIES[name] as Factory<typeof name>;
  return factory(network, options as never, { training: trainingOverrides(config), tasks });
}
