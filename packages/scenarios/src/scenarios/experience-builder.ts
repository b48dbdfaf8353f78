import { InvalidArgumentError, Rng } from '@retain/core';
import type { ImageDataset, LabeledImages } from '../datasets/labeled-images.js';
import type { PixelMap } from './pixel-map.js';
import { SampleSplit } from './sample-split.js';
import { stratifiedSplit, stratifiedSubset } from './sample-selection.js';
import type { Experience, InputLayout, Scenario, ScenarioKind } from './types.js';

/** Options every scenario builder takes. */
export interface CommonScenarioOptions {
  /** Seed of everything random: permutations, class order, validation split, caps. */
  readonly seed: number;
  /** Cap on training samples per experience (train + validation), drawn class-balanced and seeded. Default: all. */
  readonly samplesPerTask?: number;
  /** Cap on test samples per experience, drawn the same way. Default: all. */
  readonly testSamplesPerTask?: number;
  /** Fraction of each experience's training samples held out as validation (seeded, per class). Default 0 (none). */
  readonly validationFraction?: number;
  /** Batch input layout: 'nhwc' (default) or 'flat'. */
  readonly layout?: InputLayout;
  /** Scenario name (default: the builder's). */
  readonly name?: string;
}

/** Checks the common options, throwing InvalidArgumentError for the first bad one. */
export function checkCommonOptions(options: CommonScenarioOptions): void {
  Rng.fromSeed(options.seed); // validates the seed
  for (const field of ['samplesPerTask', 'testSamplesPerTask'] as const) {
    const v = options[field];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InvalidArgumentError(field, v, 'a positive integer');
  }
  const f = options.validationFraction;
  if (f !== undefined && !(f >= 0 && f < 1)) throw new InvalidArgumentError('validationFraction', f, 'a number in [0, 1)');
  if (options.layout !== undefined && options.layout !== 'nhwc' && options.layout !== 'flat') {
    throw new InvalidArgumentError('layout', options.layout, "'nhwc' or 'flat'");
  }
}

/** What one experience is made of, before sampling. */
export interface ExperienceParts {
  readonly index: number;
  readonly description: string;
  readonly classes: readonly number[];
  readonly numClasses: number;
  readonly train: LabeledImages;
  readonly test: LabeledImages;
  /** Candidate training samples (indices into `train`). */
  readonly trainIndices: Uint32Array;
  /** Candidate test samples (indices into `test`). */
  readonly testIndices: Uint32Array;
  readonly labelMap?: Int32Array;
  readonly pixelMap?: PixelMap;
}

/**
 * Builds an experience: caps the training pool (stream `cap/train/<index>`),
 * holds out validation from it (stream `validation/<index>`) and caps the
 * test set (stream `cap/test/<index>`), all class-balanced and seeded.
 */
export function buildExperience(parts: ExperienceParts, options: CommonScenarioOptions): Experience {
  const root = Rng.fromSeed(options.seed);
  const i = parts.index;
  let trainIdx = parts.trainIndices;
  if (options.samplesPerTask !== undefined) trainIdx = stratifiedSubset(trainIdx, parts.train.labels, options.samplesPerTask, root.stream(`cap/train/${i}`));
  let validationIdx: Uint32Array | undefined;
  const fraction = options.validationFraction ?? 0;
  if (fraction > 0) {
    const { kept, held } = stratifiedSplit(trainIdx, parts.train.labels, fraction, root.stream(`validation/${i}`));
    trainIdx = kept;
    validationIdx = held;
  }
  let testIdx = parts.testIndices;
  if (options.testSamplesPerTask !== undefined) testIdx = stratifiedSubset(testIdx, parts.test.labels, options.testSamplesPerTask, root.stream(`cap/test/${i}`));
  const layout = options.layout ?? 'nhwc';
  const mapping = { ...(parts.labelMap ? { labelMap: parts.labelMap } : {}), ...(parts.pixelMap ? { pixelMap: parts.pixelMap } : {}), layout };
  const train = new SampleSplit({ source: parts.train, indices: trainIdx, ...mapping });
  const test = new SampleSplit({ source: parts.test, indices: testIdx, ...mapping });
  const validation = validationIdx ? new SampleSplit({ source: parts.train, indices: validationIdx, ...mapping }) : undefined;
  return {
    index: i,
    taskId: i,
    classes: [...parts.classes],
    numClasses: parts.numClasses,
    description: parts.description,
    train,
    ...(validation ? { validation } : {}),
    test,
  };
}

/** Throws unless the train and test images of `dataset` have the same shape. */
export function checkSameShape(dataset: { readonly name: string; readonly train: LabeledImages; readonly test: LabeledImages }): void {
  const a = dataset.train.shape;
  const b = dataset.test.shape;
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new InvalidArgumentError(`${dataset.name}.test.shape`, b, `the train shape ${a.join('x')}`);
  }
}

/** The scenario of `experiences` drawn from one dataset (class names, source and input shape come from it). */
export function singleDatasetScenario(
  name: string,
  kind: ScenarioKind,
  seed: number,
  dataset: ImageDataset,
  experiences: readonly Experience[],
): Scenario {
  return {
    name,
    kind,
    seed,
    source: dataset.source,
    experiences,
    classNames: [...dataset.classNames],
    inputShape: experiences[0]?.train.inputShape ?? [],
    convention: '',
  };
}
