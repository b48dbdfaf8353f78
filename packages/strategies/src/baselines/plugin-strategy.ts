import type { MaskedNetwork } from '@retain/core';
import { BaseStrategy, type BaseStrategyOptions } from '../framework/base-strategy.js';
import type { ExperienceRun } from '../framework/experience-run.js';
import type { StrategyPlugin } from '../framework/plugin.js';
import type { StateParts } from '../framework/state-codec.js';
import type { StrategyState } from '../framework/strategy.js';
import type { TrainingConfig } from '../training/training-config.js';

/**
 * A plugin that holds state a checkpoint must keep (importances, anchors, a
 * replay memory) and tensors to free. Its names in the checkpoint start with
 * its own prefix (`ewc/`, `si/`, `lwf/`, `replay/`).
 */
export interface CheckpointedPlugin extends StrategyPlugin {
  /** The plugin's checkpoint parts (syncs data). */
  stateParts(): StateParts;
  /**
   * Validates the plugin's parts of `state` (throws StrategyStateError,
   * changing nothing) and returns a function that applies them. The function
   * runs after `network`'s weights (and heads) were restored.
   */
  restoreParts(state: StrategyState, network: MaskedNetwork): () => void;
  /** Frees the plugin's tensors. Idempotent. */
  dispose(): void;
}

/**
 * A strategy that is the shared loop plus one baseline plugin (EWC, SI, LwF,
 * Replay): one `train` phase per experience, the plugin's state in the
 * strategy's checkpoint, its tensors freed with the strategy. The plugin runs
 * before the user's plugins.
 */
export abstract class PluginStrategy<P extends CheckpointedPlugin> extends BaseStrategy {
  /** The baseline's plugin (its importances, memory, ...). */
  readonly plugin: P;

  protected constructor(network: MaskedNetwork, plugin: P, options: BaseStrategyOptions, strategyDefaults: Partial<TrainingConfig>) {
    super(network, { ...options, plugins: [plugin, ...(options.plugins ?? [])] }, strategyDefaults);
    this.plugin = plugin;
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    await this.runPhase(run, 'train');
  }

  protected override stateParts(): StateParts {
    return this.plugin.stateParts();
  }

  protected override restoreParts(state: StrategyState): () => void {
    return this.plugin.restoreParts(state, this.network);
  }

  protected override disposeExtra(): void {
    this.plugin.dispose();
  }
}
