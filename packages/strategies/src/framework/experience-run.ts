import type { Rng } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import type { StrategyPlugin, TrainingInfo } from './plugin.js';
import type { PhaseReport, StrategyContext } from './strategy.js';

/** The state of one `train(experience)` call, handed to a strategy's trainExperience. */
export interface ExperienceRun {
  readonly experience: Experience;
  /** The task id the network uses for this experience (the experience's task id in task-incremental scenarios, else 0). */
  readonly taskId: number;
  readonly context: StrategyContext;
  /** This experience's generator (derived from the context's by experience index). */
  readonly rng: Rng;
  /** The strategy's plugins then the context's. */
  readonly plugins: readonly StrategyPlugin[];
  /** Hook info outside a training phase (epoch and iteration -1). */
  readonly info: TrainingInfo;
  /** Reports of the phases run so far. */
  readonly phases: PhaseReport[];
  /** Optimiser steps taken so far in this experience. */
  steps: number;
}
