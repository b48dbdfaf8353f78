import { InvalidArgumentError, type Rng } from '@retain/core';
import { InvalidTrialResultError } from '../errors/pruning-errors.js';
import { compareCodeUnits } from '../selection/top-k-mask.js';
import { searchFitness, sparsityTerm, type SparsityTermKind } from './search-fitness.js';

/**
 * The caller's trial: trains briefly with the given per-layer keep fractions
 * (layer name -> fraction of the layer's eligible weights kept) and resolves
 * to the accuracy reached, in [0, 1].
 */
export type SparsityTrial = (keepFractions: Record<string, number>) => Promise<number>;

/** Options of {@link searchLayerSparsity}. */
export interface SparsitySearchOptions {
  /** Layer name -> number of weights the task may use in that layer (weights the sparsity term). */
  readonly layers: Readonly<Record<string, number>>;
  /** Seeded generator, e.g. `Rng.fromSeed(seed).stream('search')`; the only source of randomness. */
  readonly rng: Rng;
  /** Range per-layer sparsities are drawn from and kept in. Default [0.4, 0.7] (the authors' code). */
  readonly sparsityRange?: readonly [number, number];
  /** Candidates per generation. Default 2 (the authors' code). */
  readonly populationSize?: number;
  /** Generations. Default 1: one population drawn and the best kept (the paper); more is ours. */
  readonly generations?: number;
  /** Fitness weight of the accuracy. Default 0.8 (the paper). */
  readonly accuracyWeight?: number;
  /** Fitness weight of the sparsity term. Default 0.2 (the paper). */
  readonly sparsityWeight?: number;
  /** How per-layer sparsities become one term. Default 'parameter-weighted' (ours; see SparsityTermKind). */
  readonly sparsityTerm?: SparsityTermKind;
  /**
   * Generations after the first mutate the best candidate so far: each layer's
   * sparsity plus a normal step of standard deviation mutationScale * (range
   * width), clamped to the range. Default 0.1 (ours).
   */
  readonly mutationScale?: number;
  /** Called after each trial with its log entry (progress reporting). */
  readonly onCandidate?: (entry: SparsityCandidate) => void;
}

/** One evaluated candidate of the search log. */
export interface SparsityCandidate {
  /** Position in the log (0-based), also the order of the trials. */
  readonly index: number;
  /** Generation (0-based). */
  readonly generation: number;
  /** Position within its generation (0-based). */
  readonly candidate: number;
  /** Drawn uniformly from the range (generation 0) or mutated from `parent`. */
  readonly origin: 'sampled' | 'mutated';
  /** Log index of the candidate it was mutated from; undefined when sampled. */
  readonly parent: number | undefined;
  /** Layer name -> pruned fraction of the layer's eligible weights. */
  readonly sparsities: Readonly<Record<string, number>>;
  /** Layer name -> kept fraction, 1 - sparsity: what the trial received. */
  readonly keepFractions: Readonly<Record<string, number>>;
  /** The sparsity term of `sparsities`. */
  readonly sparsityTerm: number;
  /** What the trial returned. */
  readonly accuracy: number;
  /** accuracyWeight * accuracy + sparsityWeight * sparsityTerm. */
  readonly fitness: number;
}

/** Result of {@link searchLayerSparsity}. */
export interface SparsitySearchResult {
  /** The chosen keep fractions (of the best candidate). */
  readonly keepFractions: Readonly<Record<string, number>>;
  /** The chosen sparsities (1 - keepFractions). */
  readonly sparsities: Readonly<Record<string, number>>;
  /** Accuracy of the best candidate. */
  readonly accuracy: number;
  /** Fitness of the best candidate: the highest in the log (the earliest among equals). */
  readonly fitness: number;
  /** Log index of the best candidate. */
  readonly bestIndex: number;
  /** Every candidate, in trial order. */
  readonly log: readonly SparsityCandidate[];
}

/** The defaults of {@link SparsitySearchOptions}, with their source. */
export const SPARSITY_SEARCH_DEFAULTS = {
  /** The authors' code draws sparsity uniformly in [0.4, 0.7] per layer. */
  sparsityRange: [0.4, 0.7] as const,
  /** The authors' code: population 2. */
  populationSize: 2,
  /** The paper: one population, keep the best. */
  generations: 1,
  /** The paper: fitness = 0.8 * accuracy + 0.2 * sparsity term. */
  accuracyWeight: 0.8,
  sparsityWeight: 0.2,
  /** Ours. */
  sparsityTerm: 'parameter-weighted' as SparsityTermKind,
  /** Ours. */
  mutationScale: 0.1,
};

/**
 * Ada-QPacknet's adaptive sparsity search: draws `populationSize` candidates
 * of per-layer sparsities uniformly in `sparsityRange`, runs `trial` on each
 * (sequentially, in log order), scores fitness = accuracyWeight * accuracy +
 * sparsityWeight * sparsity term, and keeps the best. Each later generation
 * (ours) mutates the best so far into `populationSize` new candidates; the best
 * is kept across generations (never re-run). Trials: populationSize *
 * generations. Random draws happen in layer-name order, so the result depends
 * on the seed, the layers and the trial only.
 *
 * @example
 * const result = await searchLayerSparsity(async (keep) => trainBrieflyAndEvaluate(keep), {
 *   layers: { fc1: 78_400, fc2: 10_000, fc3: 1_000 },
 *   rng: Rng.fromSeed(7).stream('search'),
 * });
 * result.keepFractions; // e.g. { fc1: 0.41, fc2: 0.55, fc3: 0.33 }
 */
export async function searchLayerSparsity(trial: SparsityTrial, options: SparsitySearchOptions): Promise<SparsitySearchResult> {
  const settings = checkedSettings(options);
  const names = Object.keys(options.layers).sort(compareCodeUnits);
  const [low, high] = settings.sparsityRange;
  const rng = options.rng;
  const log: SparsityCandidate[] = [];
  let bestIndex = -1;

  for (let generation = 0; generation < settings.generations; generation++) {
    const parent = generation === 0 ? undefined : (log[bestIndex] as SparsityCandidate);
    for (let candidate = 0; candidate < settings.populationSize; candidate++) {
      const sparsities: Record<string, number> = {};
      for (const name of names) {
        sparsities[name] =
          parent === undefined
            ? rng.uniform(low, high)
            : clamp((parent.sparsities[name] as number) + settings.mutationScale * (high - low) * rng.nextNormal(), low, high);
      }
      const keepFractions: Record<string, number> = {};
      for (const name of names) keepFractions[name] = 1 - (sparsities[name] as number);
      const accuracy = await trial({ ...keepFractions });
      if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) {
        throw new InvalidTrialResultError(generation, candidate, accuracy);
      }
      const term = sparsityTerm(sparsities, options.layers, settings.sparsityTerm);
      const entry: SparsityCandidate = {
        index: log.length,
        generation,
        candidate,
        origin: parent === undefined ? 'sampled' : 'mutated',
        parent: parent?.index,
        sparsities,
        keepFractions,
        sparsityTerm: term,
        accuracy,
        fitness: searchFitness(accuracy, term, { accuracy: settings.accuracyWeight, sparsity: settings.sparsityWeight }),
      };
      log.push(entry);
      if (bestIndex < 0 || entry.fitness > (log[bestIndex] as SparsityCandidate).fitness) bestIndex = entry.index;
      options.onCandidate?.(entry);
    }
  }
  const best = log[bestIndex] as SparsityCandidate;
  return {
    keepFractions: { ...best.keepFractions },
    sparsities: { ...best.sparsities },
    accuracy: best.accuracy,
    fitness: best.fitness,
    bestIndex,
    log,
  };
}

function clamp(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}

function checkedSettings(options: SparsitySearchOptions) {
  const d = SPARSITY_SEARCH_DEFAULTS;
  const settings = {
    sparsityRange: options.sparsityRange ?? d.sparsityRange,
    populationSize: options.populationSize ?? d.populationSize,
    generations: options.generations ?? d.generations,
    accuracyWeight: options.accuracyWeight ?? d.accuracyWeight,
    sparsityWeight: options.sparsityWeight ?? d.sparsityWeight,
    sparsityTerm: options.sparsityTerm ?? d.sparsityTerm,
    mutationScale: options.mutationScale ?? d.mutationScale,
  };
  const layers = options.layers;
  const names = Object.keys(layers ?? {});
  if (names.length === 0) throw new InvalidArgumentError('layers', layers, 'at least one layer name -> weight count');
  for (const name of names) {
    const n = layers[name];
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new InvalidArgumentError(`layers.${name}`, n, 'a non-negative integer weight count');
  }
  const [low, high] = settings.sparsityRange;
  if (settings.sparsityRange.length !== 2 || !(low >= 0 && low <= high && high <= 1)) {
    throw new InvalidArgumentError('sparsityRange', settings.sparsityRange, '[low, high] with 0 <= low <= high <= 1');
  }
  for (const field of ['populationSize', 'generations'] as const) {
    if (!Number.isSafeInteger(settings[field]) || settings[field] < 1) throw new InvalidArgumentError(field, settings[field], 'a positive integer');
  }
  for (const field of ['accuracyWeight', 'sparsityWeight', 'mutationScale'] as const) {
    if (!(settings[field] >= 0 && Number.isFinite(settings[field]))) throw new InvalidArgumentError(field, settings[field], 'a finite number >= 0');
  }
  if (options.rng === undefined) throw new InvalidArgumentError('rng', options.rng, 'a seeded Rng from @retain/core');
  // Checks the sparsity-term kind and the layer sizes it needs before any trial runs.
  sparsityTerm(Object.fromEntries(names.map((name) => [name, low])), layers, settings.sparsityTerm);
  return settings;
}
