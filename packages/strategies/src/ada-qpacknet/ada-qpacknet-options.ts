import { InvalidArgumentError, type JsonValue } from '@retain/core';
import { SPARSITY_SEARCH_DEFAULTS } from '@retain/pruning';
import { DEFAULT_MAX_DROP, DEFAULT_MIN_BITS, DEFAULT_START_BITS, type QuantizationMethod } from '@retain/quantization';
import type { BaseStrategyOptions } from '../framework/base-strategy.js';
import type { TrainingConfig } from '../training/training-config.js';
import type { HoldoutOptions } from './held-out-data.js';

/** The adaptive sparsity search's settings (see @retain/pruning's searchLayerSparsity). */
export interface AdaQPacknetSparsitySearch {
  /** Per-layer sparsities are drawn in this range. Default [0.4, 0.7] (the authors' code). */
  readonly sparsityRange?: readonly [number, number];
  /** Candidates per generation. Default 2 (the authors' code). */
  readonly populationSize?: number;
  /** Generations. Default 1 (the paper: one population, keep the best); more is ours. */
  readonly generations?: number;
  /** Fitness weight of the held-out accuracy. Default 0.8 (the paper). */
  readonly accuracyWeight?: number;
  /** Fitness weight of the sparsity term. Default 0.2 (the paper). */
  readonly sparsityWeight?: number;
  /** Mutation step of later generations. Default 0.1 (ours). */
  readonly mutationScale?: number;
  /** Training epochs of each candidate's trial. Default 1 (ours; the authors' code spends about 30 search epochs in all). */
  readonly trialEpochs?: number;
}

/** The post-training bit-width search's settings (see @retain/quantization's searchBitWidth). */
export interface AdaQPacknetBitSearch {
  /** First width tried. Default 6 bits = 64 clusters (the paper). */
  readonly startBits?: number;
  /** Narrowest width tried. Default 1 (ours; the paper sets no floor). */
  readonly minBits?: number;
  /** A width is accepted while the held-out accuracy drops by less than this (fraction). Default 0.02 = 2 points (the paper). */
  readonly maxDrop?: number;
}

/** Options of {@link AdaQPacknetStrategy}. */
export interface AdaQPacknetOptions extends BaseStrategyOptions {
  /** `kmeans` (codebook of 2^bits centres per layer and task; default, the authors' code) or `linear` (uniform levels; the paper names it). */
  readonly quantization?: QuantizationMethod;
  /** K-means solver: `optimal` (exact 1-D k-means; default, ours) or `lloyd`. */
  readonly kmeans?: 'optimal' | 'lloyd';
  /** Linear only: a scale and zero point per output channel. Default false: one per layer and task (ours). */
  readonly perChannel?: boolean;
  /** Code width: `search` (default, the paper's bit-width search) or a fixed width 1..16 (no search). */
  readonly bits?: number | 'search';
  /** Settings of the bit-width search. */
  readonly bitSearch?: AdaQPacknetBitSearch;
  /**
   * Whether each task's head kernels are quantised too, with the same scheme
   * and the width chosen for its shared kernels (the bit-width search then
   * measures the accuracy with the quantised head), and stored as codes
   * instead of float32; head biases stay float32. Default false (ours: the
   * paper is silent on heads).
   */
  readonly quantizeHeads?: boolean;
  /**
   * Pruned fraction of each layer's candidate weights: `search` (default, the
   * paper's adaptive search), one number for every layer, or one per kernel name.
   */
  readonly sparsity?: number | Readonly<Record<string, number>> | 'search';
  /** Settings of the sparsity search. */
  readonly sparsitySearch?: AdaQPacknetSparsitySearch;
  /**
   * `dynamic` (default, the authors' code's dynamic mask): magnitude pruning of
   * the task's weights after every `pruneInterval` optimiser steps while it
   * trains; `post`: train, prune once, fine-tune the kept weights.
   */
  readonly pruning?: 'dynamic' | 'post';
  /** Optimiser steps between dynamic prunings. Default 1 (every step, the authors' code). */
  readonly pruneInterval?: number;
  /** Epochs of fine-tuning the kept weights after pruning. Default 0 with `dynamic`, half the training epochs (at least 1) with `post` (ours). */
  readonly retrainEpochs?: number;
  /**
   * Whether a task may store its codes in slots earlier tasks hold codes in
   * (while they have bits left): the paper's capacity idea. Default true.
   * False: only untouched slots (PackNet's free weights).
   */
  readonly reuseSlots?: boolean;
  /** Held-out part of the training split when an experience has no validation split. Default { fraction: 0.1, maxSamples: 5000 } (ours). */
  readonly holdout?: Partial<HoldoutOptions>;
}

/** {@link AdaQPacknetOptions} resolved: every default filled in and checked. */
export interface AdaQPacknetSettings {
  readonly quantization: QuantizationMethod;
  readonly kmeans: 'optimal' | 'lloyd';
  readonly perChannel: boolean;
  readonly bits: number | 'search';
  readonly bitSearch: Required<AdaQPacknetBitSearch>;
  readonly quantizeHeads: boolean;
  readonly sparsity: number | Readonly<Record<string, number>> | 'search';
  readonly sparsitySearch: Required<AdaQPacknetSparsitySearch>;
  readonly pruning: 'dynamic' | 'post';
  readonly pruneInterval: number;
  readonly retrainEpochs: number | undefined;
  readonly reuseSlots: boolean;
  readonly holdout: HoldoutOptions;
  /** Bits reserved in a slot while a task trains: the widest code it may store (startBits, or the fixed width). */
  readonly reserveBits: number;
}

/**
 * Training defaults: Adam, lr 1e-3, weight decay 1e-3 as an L2 term (the
 * authors' code); 5 epochs, batch 64 (ours: the paper gives no per-scenario values).
 */
export const ADA_QPACKNET_TRAINING: Partial<TrainingConfig> = {
  epochs: 5,
  batchSize: 64,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
  weightDecay: 1e-3,
  weightDecayMode: 'l2',
};

/** Default held-out part of the training split (ours). */
export const ADA_QPACKNET_HOLDOUT: HoldoutOptions = { fraction: 0.1, maxSamples: 5000 };

function fraction(field: string, value: number, closedTop: boolean): number {
  if (!(typeof value === 'number' && value >= 0 && (closedTop ? value <= 1 : value < 1))) {
    throw new InvalidArgumentError(field, value, closedTop ? 'a number in [0, 1]' : 'a number in [0, 1)');
  }
  return value;
}

function integer(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(field, value, `an integer in [${min}, ${max}]`);
  return value;
}

/** Fills in and checks every option; throws InvalidArgumentError naming the field at fault. */
export function resolveAdaQPacknetOptions(options: AdaQPacknetOptions): AdaQPacknetSettings {
  const quantization = options.quantization ?? 'kmeans';
  if (quantization !== 'kmeans' && quantization !== 'linear') throw new InvalidArgumentError('quantization', quantization, "'kmeans' or 'linear'");
  const kmeans = options.kmeans ?? 'optimal';
  if (kmeans !== 'optimal' && kmeans !== 'lloyd') throw new InvalidArgumentError('kmeans', kmeans, "'optimal' or 'lloyd'");
  const bits = options.bits ?? 'search';
  if (bits !== 'search') integer('bits', bits, 1, 16);
  const bs = options.bitSearch ?? {};
  const startBits = integer('bitSearch.startBits', bs.startBits ?? DEFAULT_START_BITS, 1, 16);
  const bitSearch = {
    startBits,
    minBits: integer('bitSearch.minBits', bs.minBits ?? DEFAULT_MIN_BITS, 1, startBits),
    maxDrop: bs.maxDrop ?? DEFAULT_MAX_DROP,
  };
  if (!(bitSearch.maxDrop >= 0 && Number.isFinite(bitSearch.maxDrop))) throw new InvalidArgumentError('bitSearch.maxDrop', bitSearch.maxDrop, 'a finite number >= 0');
  const quantizeHeads = options.quantizeHeads ?? false;
  if (typeof quantizeHeads !== 'boolean') throw new InvalidArgumentError('quantizeHeads', quantizeHeads, 'a boolean');
  const sparsity = options.sparsity ?? 'search';
  if (typeof sparsity === 'number') fraction('sparsity', sparsity, false);
  else if (sparsity !== 'search') {
    if (sparsity === null || typeof sparsity !== 'object') throw new InvalidArgumentError('sparsity', sparsity, "'search', a number in [0, 1) or a record of them by kernel name");
    for (const [name, s] of Object.entries(sparsity)) fraction(`sparsity.${name}`, s, false);
  }
  const d = SPARSITY_SEARCH_DEFAULTS;
  const ss = options.sparsitySearch ?? {};
  const range = ss.sparsityRange ?? d.sparsityRange;
  if (!Array.isArray(range) || range.length !== 2 || !(fraction('sparsitySearch.sparsityRange[0]', range[0], false) <= fraction('sparsitySearch.sparsityRange[1]', range[1], false))) {
    throw new InvalidArgumentError('sparsitySearch.sparsityRange', range, '[low, high] with 0 <= low <= high < 1');
  }
  const sparsitySearch = {
    sparsityRange: [range[0], range[1]] as const,
    populationSize: integer('sparsitySearch.populationSize', ss.populationSize ?? d.populationSize, 1),
    generations: integer('sparsitySearch.generations', ss.generations ?? d.generations, 1),
    accuracyWeight: ss.accuracyWeight ?? d.accuracyWeight,
    sparsityWeight: ss.sparsityWeight ?? d.sparsityWeight,
    mutationScale: ss.mutationScale ?? d.mutationScale,
    trialEpochs: integer('sparsitySearch.trialEpochs', ss.trialEpochs ?? 1, 1),
  };
  const pruning = options.pruning ?? 'dynamic';
  if (pruning !== 'dynamic' && pruning !== 'post') throw new InvalidArgumentError('pruning', pruning, "'dynamic' or 'post'");
  const retrainEpochs = options.retrainEpochs === undefined ? undefined : integer('retrainEpochs', options.retrainEpochs, 0);
  const h = { ...ADA_QPACKNET_HOLDOUT, ...(options.holdout ?? {}) };
  if (!(h.fraction > 0 && h.fraction < 1)) throw new InvalidArgumentError('holdout.fraction', h.fraction, 'a number in (0, 1)');
  integer('holdout.maxSamples', h.maxSamples, 1);
  const reuseSlots = options.reuseSlots ?? true;
  if (typeof reuseSlots !== 'boolean') throw new InvalidArgumentError('reuseSlots', reuseSlots, 'a boolean');
  return {
    quantization,
    kmeans,
    perChannel: options.perChannel ?? false,
    bits,
    bitSearch,
    quantizeHeads,
    sparsity,
    sparsitySearch,
    pruning,
    pruneInterval: integer('pruneInterval', options.pruneInterval ?? 1, 1),
    retrainEpochs,
    reuseSlots,
    holdout: h,
    reserveBits: bits === 'search' ? startBits : bits,
  };
}

/** The settings as JSON (for checkpoints and reports). */
export function settingsJson(settings: AdaQPacknetSettings): JsonValue {
  return JSON.parse(JSON.stringify({ ...settings, retrainEpochs: settings.retrainEpochs ?? null })) as JsonValue;
}
