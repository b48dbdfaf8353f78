import { tf, type Rng } from '@retain/core';
import { searchLayerSparsity } from '@retain/pruning';
import type { AdaQPacknetSettings } from './ada-qpacknet-options.js';
import type { SparsityTrialReport } from './task-report.js';

/** What one adaptive sparsity search of a task needs from the strategy. */
export interface SparsityTrialsSpec {
  /** Candidate slots per layer (layers with none are left out of the search). */
  readonly layers: Record<string, number>;
  /** Every variable a trial changes: each trial starts from their values now, and they are put back after the search. */
  readonly variables: readonly tf.Variable[];
  /** The search's settings (Ada-QPacknet's defaults: the paper's range, population and fitness). */
  readonly settings: AdaQPacknetSettings['sparsitySearch'];
  /** The search's random stream. */
  readonly rng: Rng;
  /** Trains briefly with these keep fractions and returns held-out accuracy. */
  trial(keepFractions: Readonly<Record<string, number>>): Promise<number>;
}

/** The chosen keep fractions, the search's log, and the chosen sparsities and accuracy (for progress lines). */
export interface SparsityTrialsResult {
  readonly keepFractions: Record<string, number>;
  readonly sparsities: Record<string, number>;
  readonly accuracy: number;
  readonly trials: SparsityTrialReport[];
}

/**
 * Ada-QPacknet's adaptive sparsity search (Pietroń et al. 2023, step 2): every
 * candidate trains from the same starting weights, so the variables are
 * snapshotted once, restored before each trial and after the search.
 */
export async function runSparsityTrials(spec: SparsityTrialsSpec): Promise<SparsityTrialsResult> {
  const start = new Map(spec.variables.map((v) => [v, tf.clone(v)]));
  const restore = (): void => {
    for (const [v, t] of start) v.assign(t);
  };
  const { sparsityRange, populationSize, generations, accuracyWeight, sparsityWeight, mutationScale } = spec.settings;
  try {
    const result = await searchLayerSparsity(
      async (keepFractions) => {
        restore();
        return spec.trial(keepFractions);
      },
      { layers: spec.layers, rng: spec.rng, sparsityRange, populationSize, generations, accuracyWeight, sparsityWeight, mutationScale },
    );
    return {
      keepFractions: result.keepFractions,
      sparsities: result.sparsities,
      accuracy: result.accuracy,
      trials: result.log.map((c) => ({ sparsities: { ...c.sparsities }, accuracy: c.accuracy, fitness: c.fitness })),
    };
  } finally {
    restore();
    for (const t of start.values()) t.dispose();
  }
}
