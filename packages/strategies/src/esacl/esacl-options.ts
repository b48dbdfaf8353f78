import { InvalidArgumentError } from '@retain/core';
import { DEFAULT_SAM_RHO } from '@retain/pruning';
import type { BaseStrategyOptions } from '../framework/base-strategy.js';
import { INSTANCE_CRITERIA, type InstanceCriterion } from './instance-scores.js';
import type { EsaclPruning, PruneScope } from './one-shot-prune.js';

/** Where the IDS subset is used. */
export type IdsScope = 'training' | 'statistics';

/** Intelligent data selection (our reading of EsaCL's IDS: its abstract gives no formula). */
export interface EsaclIdsOptions {
  /** Fraction of the task's training samples kept. Default 0.1 (ours; the method note's example). */
  readonly fraction?: number;
  /** Sample score; the highest are kept. Default `loss` (ours). */
  readonly criterion?: InstanceCriterion;
  /** Share the quota among classes by their counts. Default true (ours). */
  readonly classBalanced?: boolean;
  /** Epochs on the whole task before the samples are scored (scope `training` only). Default 1 (ours). */
  readonly warmupEpochs?: number;
  /**
   * `statistics` (default; the method note's reading of the abstract: the
   * sharpness and pruning statistics come from a small subset): every epoch
   * on the whole task, the subset (scored after training) only for the
   * pruning statistics. `training` (ours): warm-up epochs on the whole task,
   * then the remaining epochs and the statistics on the subset.
   */
  readonly scope?: IdsScope;
}

/** Options of {@link EsaclStrategy}. */
export interface EsaclOptions extends BaseStrategyOptions {
  /**
   * Fraction of the task's free weights pruned (released for later tasks) in
   * one shot; a number in [0, 1) or a function of the experience index.
   * Default 0.75 (ours, PackNet's default; EsaCL's abstract gives none).
   */
  readonly sparsity?: number | ((experienceIndex: number) => number);
  /** `sdp` (default): sharpness-informed saliency; `magnitude`: plain |w| (to measure what SDP buys). */
  readonly pruning?: EsaclPruning;
  /** Pruning threshold per layer (default, ours) or one across layers. */
  readonly pruneScope?: PruneScope;
  /** SAM radius for training and for the SDP statistics; 0 trains without SAM. Default 0.05 (SAM's default; ours). */
  readonly samRho?: number;
  /** IDS settings, or `false` to train and take statistics on the whole task. Default `{}` (enabled, defaults above). */
  readonly ids?: EsaclIdsOptions | false;
  /** At most this many samples for the SDP statistics (a seeded random choice). Default: every sample of the data used (ours). */
  readonly statisticsSamples?: number;
  /** Samples per SAM gradient in the SDP statistics. Default 32 (ours). */
  readonly statisticsBatchSize?: number;
}

/** EsaCL's default sparsity (ours). */
export const ESACL_DEFAULT_SPARSITY = 0.75;

/** The resolved, validated settings. */
export interface EsaclSettings {
  readonly sparsity: number | ((experienceIndex: number) => number);
  readonly pruning: EsaclPruning;
  readonly pruneScope: PruneScope;
  readonly samRho: number;
  readonly ids: Required<EsaclIdsOptions> | false;
  readonly statisticsSamples: number | undefined;
  readonly statisticsBatchSize: number;
}

function positiveInteger(field: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new InvalidArgumentError(field, value, 'a positive integer');
  return value;
}

/** Validates a sparsity in [0, 1). */
export function checkSparsity(value: number): number {
  if (!(value >= 0 && value < 1)) throw new InvalidArgumentError('sparsity', value, 'a number in [0, 1)');
  return value;
}

/** Resolves and validates EsaCL's options (throws InvalidArgumentError naming the field). */
export function resolveEsaclSettings(options: EsaclOptions): EsaclSettings {
  const sparsity = options.sparsity ?? ESACL_DEFAULT_SPARSITY;
  if (typeof sparsity === 'number') checkSparsity(sparsity);
  else if (typeof sparsity !== 'function') throw new InvalidArgumentError('sparsity', sparsity, 'a number in [0, 1) or a function of the experience index');
  const pruning = options.pruning ?? 'sdp';
  if (pruning !== 'sdp' && pruning !== 'magnitude') throw new InvalidArgumentError('pruning', pruning, "'sdp' or 'magnitude'");
  const pruneScope = options.pruneScope ?? 'layer';
  if (pruneScope !== 'layer' && pruneScope !== 'global') throw new InvalidArgumentError('pruneScope', pruneScope, "'layer' or 'global'");
  const samRho = options.samRho ?? DEFAULT_SAM_RHO;
  if (!(samRho >= 0 && Number.isFinite(samRho))) throw new InvalidArgumentError('samRho', samRho, 'a finite number >= 0');
  let ids: EsaclSettings['ids'] = false;
  if (options.ids !== false) {
    const o = options.ids ?? {};
    const fraction = o.fraction ?? 0.1;
    if (!(fraction > 0 && fraction <= 1)) throw new InvalidArgumentError('ids.fraction', fraction, 'a number in (0, 1]');
    const criterion = o.criterion ?? 'loss';
    if (!INSTANCE_CRITERIA.includes(criterion)) throw new InvalidArgumentError('ids.criterion', criterion, INSTANCE_CRITERIA.join(', '));
    const warmupEpochs = o.warmupEpochs ?? 1;
    if (!(Number.isInteger(warmupEpochs) && warmupEpochs >= 0)) throw new InvalidArgumentError('ids.warmupEpochs', warmupEpochs, 'a non-negative integer');
    const scope = o.scope ?? 'statistics';
    if (scope !== 'training' && scope !== 'statistics') throw new InvalidArgumentError('ids.scope', scope, "'training' or 'statistics'");
    ids = { fraction, criterion, classBalanced: o.classBalanced ?? true, warmupEpochs, scope };
  }
  return {
    sparsity,
    pruning,
    pruneScope,
    samRho,
    ids,
    statisticsSamples: options.statisticsSamples === undefined ? undefined : positiveInteger('statisticsSamples', options.statisticsSamples),
    statisticsBatchSize: positiveInteger('statisticsBatchSize', options.statisticsBatchSize ?? 32),
  };
}
