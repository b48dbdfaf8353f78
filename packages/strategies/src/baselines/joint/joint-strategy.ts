import { createModelFromDescriptor, type MaskedNetwork } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { BaseStrategy, type BaseStrategyOptions } from '../../framework/base-strategy.js';
import type { ExperienceRun } from '../../framework/experience-run.js';
import { StrategyUsageError } from '../../framework/strategy-errors.js';
import { jointTrainingData } from './joint-training-data.js';

/** Options of {@link JointStrategy}. */
export interface JointStrategyOptions extends BaseStrategyOptions {
  /**
   * Restart from the network's initial weights before each experience, so
   * that after experience t the network is exactly a model trained jointly
   * on experiences 0..t (the upper bound of comparison tables). Default
   * true; false keeps training the current weights on all data so far
   * (Avalanche's "Cumulative").
   */
  readonly fromScratch?: boolean;
}

/**
 * Joint training on all data so far, the upper bound of every comparison:
 * experience t trains on the union of the training splits of experiences
 * 0..t, shuffled together (each sample through its own task's head). It
 * keeps the experiences it was given (their data stay where the scenario
 * keeps them); after load() give them back with rememberExperiences().
 * Training settings default to the loop's (ours); give it the budget per
 * epoch of the compared methods.
 */
export class JointStrategy extends BaseStrategy {
  readonly name = 'joint';
  readonly fromScratch: boolean;
  private readonly history = new Map<number, Experience>();

  constructor(network: MaskedNetwork, options: JointStrategyOptions = {}) {
    super(network, options);
    this.fromScratch = options.fromScratch ?? true;
  }

  /** The experiences trained on so far, in index order. */
  get experiences(): readonly Experience[] {
    return [...this.history.values()].sort((a, b) => a.index - b.index);
  }

  /** Gives back the experiences of an earlier run (after load()), so the next experience trains on all of them. */
  rememberExperiences(experiences: readonly Experience[]): void {
    for (const e of experiences) this.history.set(e.index, e);
  }

  protected override beforeExperienceCheck(experience: Experience): void {
    const missing = this.trainedTasks.filter((t) => ![...this.history.values()].some((e) => this.networkTask(e.taskId) === t));
    if (missing.length > 0 && !this.history.has(experience.index)) {
      throw new StrategyUsageError(this.name, `has no data of the task(s) ${missing.join(', ')} it was trained on (restored from a checkpoint?): call rememberExperiences() first`);
    }
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    this.history.set(run.experience.index, run.experience);
    if (this.fromScratch) {
      const fresh = createModelFromDescriptor(this.network.descriptor());
      try {
        this.network.setWeights(fresh.getWeights());
      } finally {
        fresh.dispose();
      }
    }
    const parts = this.experiences.map((e) => ({ split: e.train, taskId: this.networkTask(e.taskId) }));
    await this.runPhase(run, 'train', undefined, { data: jointTrainingData(parts) });
  }
}
