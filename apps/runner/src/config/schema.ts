import { BACKEND_CHOICES, ZOO_NAMES } from '@retain/core';
import { PRESET_NAMES, PRESETS } from '@retain/scenarios';
import { DEFAULT_TASK_INFERENCE_SCORE, TASK_INFERENCE_MODES, TASK_INFERENCE_SCORES } from '@retain/strategies';
import { z } from 'zod';
import { isSubnetworkStrategy, strategySectionSchema } from './strategy-schemas.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const openFraction = z.number().min(0).lt(1);

/** Scenario section: a @retain/scenarios preset and the options of createScenario. */
export const scenarioSchema = z
  .object({
    /** A @retain/scenarios preset name (pfmnist-10, sfmnist-5, ...). */
    preset: z.enum(PRESET_NAMES),
    /** Scenario kind (default: the preset's, task-incremental). */
    kind: z.enum(['task-incremental', 'class-incremental', 'domain-incremental']).optional(),
    /** Number of tasks (default: the preset's). */
    tasks: positiveInt.optional(),
    /** Cap on training samples per task (class-balanced, seeded). Default: all. */
    samplesPerTask: positiveInt.optional(),
    /** Cap on test samples per task. Default: all. */
    testSamplesPerTask: positiveInt.optional(),
    /** Fraction of each task's training samples held out as validation. Default 0. */
    validationFraction: openFraction.default(0),
    /** Use the embedded Fashion-MNIST subset when the full data is nowhere (default true). */
    allowEmbedded: z.boolean().default(true),
    /** Permuted presets: leave task 0 unpermuted (default false). */
    firstTaskUnpermuted: z.boolean().optional(),
    /** Split presets: class order. */
    classOrder: z.union([z.enum(['fixed', 'shuffled']), z.array(nonNegativeInt)]).optional(),
    /** Directory looked in first for the data. */
    dataDir: z.string().min(1).optional(),
    /** The user cache of downloaded datasets (default: @retain/scenarios' defaultCacheDir). */
    cacheDir: z.string().min(1).optional(),
    /** System directories looked in (default: the dataset's, e.g. /usr/share/datasets/fashion-mnist). */
    systemDirs: z.array(z.string().min(1)).optional(),
    /** Download missing data (default false here: a run never reaches the network unless asked to). */
    download: z.boolean().default(false),
  })
  .strict();

const BATCH_NORM = ['batchNorm', 'batchNormAffine', 'trackRunningStats'];

/** The options each zoo architecture takes besides the common ones (core's zoo option types). */
const MODEL_KEYS: Readonly<Record<(typeof ZOO_NAMES)[number], readonly string[]>> = {
  mlp: ['hiddenSizes', 'dropout', 'bias', 'init', ...BATCH_NORM],
  'cnn-small': ['denseUnits', 'dropout', 'bias', 'init', ...BATCH_NORM],
  'alexnet-cl': ['dropout', 'bias', 'init', ...BATCH_NORM],
  'resnet18-reduced': ['baseFilters', 'stemStride', 'pooling', 'bias', 'init', ...BATCH_NORM],
  tinynet: ['channels', 'hiddenSizes', 'convBias', 'denseBias', 'dropout', 'init', ...BATCH_NORM],
};

/** Model section: a core zoo architecture and its options (heads are set by the runner from the protocol). */
export const modelSchema = z
  .object({
    architecture: z.enum(ZOO_NAMES),
    /** mlp, tinynet: hidden widths. */
    hiddenSizes: z.array(positiveInt).min(1).optional(),
    /** mlp, cnn-small, tinynet: a rate; alexnet-cl: [conv rate, fc rate]. */
    dropout: z.union([openFraction, z.tuple([openFraction, openFraction])]).optional(),
    /** mlp, cnn-small, alexnet-cl, resnet18-reduced: biases. */
    bias: z.boolean().optional(),
    batchNorm: z.enum(['none', 'per-task', 'shared']).optional(),
    batchNormAffine: z.boolean().optional(),
    trackRunningStats: z.boolean().optional(),
    init: z.enum(['glorot', 'torch']).optional(),
    /** cnn-small. */
    denseUnits: positiveInt.optional(),
    /** resnet18-reduced. */
    baseFilters: positiveInt.optional(),
    stemStride: positiveInt.optional(),
    pooling: z.enum(['global', 'avg2x2']).optional(),
    /** tinynet. */
    channels: positiveInt.optional(),
    convBias: z.boolean().optional(),
    denseBias: z.boolean().optional(),
  })
  .strict()
  .superRefine((model, ctx) => {
    const allowed = MODEL_KEYS[model.architecture];
    for (const key of Object.keys(model)) {
      if (key !== 'architecture' && !allowed.includes(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `expected no '${key}' for architecture ${model.architecture} (it takes ${allowed.join(', ')})` });
      }
    }
    if (model.architecture === 'alexnet-cl' ? typeof model.dropout === 'number' : Array.isArray(model.dropout)) {
      const shape = model.architecture === 'alexnet-cl' ? '[conv rate, fc rate]' : 'one rate in [0, 1)';
      ctx.addIssue({ code: 'custom', path: ['dropout'], message: `expected ${shape} for architecture ${model.architecture}` });
    }
  });

const optimizerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('adam'), learningRate: z.number().positive(), beta1: openFraction.optional(), beta2: openFraction.optional(), epsilon: z.number().positive().optional() }).strict(),
  z.object({ kind: z.literal('sgd'), learningRate: z.number().positive(), momentum: openFraction.optional(), nesterov: z.boolean().optional() }).strict(),
]);

const lrScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }).strict(),
  z.object({ kind: z.literal('step'), stepSize: positiveInt, gamma: z.number().gt(0).max(1) }).strict(),
  z
    .object({
      kind: z.literal('plateau'),
      factor: z.number().gt(0).lt(1),
      patience: nonNegativeInt,
      minLr: z.number().nonnegative(),
      threshold: z.number().nonnegative().optional(),
      stopAtMinLr: z.boolean().optional(),
    })
    .strict(),
]);

/** Training section: the shared loop's settings; what is left out keeps the strategy's own default. */
export const trainingSchema = z
  .object({
    epochs: nonNegativeInt.optional(),
    batchSize: positiveInt.optional(),
    optimizer: optimizerSchema.optional(),
    weightDecay: z.number().nonnegative().optional(),
    weightDecayMode: z.enum(['l2', 'decoupled']).optional(),
    lrSchedule: lrScheduleSchema.optional(),
    earlyStopping: z
      .object({ monitor: z.enum(['loss', 'accuracy']).optional(), patience: nonNegativeInt, minDelta: z.number().nonnegative().optional(), restoreBest: z.boolean().optional() })
      .strict()
      .optional(),
    shuffle: z.boolean().optional(),
    evalBatchSize: positiveInt.optional(),
  })
  .strict();

/** Evaluation section. */
export const evaluationSchema = z
  .object({
    /** Test batches of the accuracy matrix. Default 1000. */
    batchSize: positiveInt.default(1000),
    /** Class-incremental runs of sub-network methods: the task inferred per sample (default) or per batch. */
    taskInferenceMode: z.enum(TASK_INFERENCE_MODES).default('sample'),
    /**
     * Class-incremental runs of sub-network methods: the score that picks the
     * task (lowest wins): `entropy` (default, as before), `max-softmax`,
     * `max-logit` or `energy` (@retain/strategies evaluateTaskInference).
     */
    taskInferenceScore: z.enum(TASK_INFERENCE_SCORES).default(DEFAULT_TASK_INFERENCE_SCORE),
    /** Rows per batch of task inference (also the batch of `batch` mode). Default 128. */
    taskInferenceBatchSize: positiveInt.default(128),
  })
  .strict();

/** A run's configuration (`retain run <config.json>`); presets are such configs. */
export const runConfigSchema = z
  .object({
    /** Names the run (and its run-id prefix). */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"'),
    /** One-line description (presets list it). */
    description: z.string().default(''),
    /** Seed of everything random: scenario, initial weights, shuffling, masks. */
    seed: z.number().int().nonnegative().max(2 ** 32 - 1).default(0),
    /** tfjs backend; `wasm` (default, ours) is the fast deterministic CPU backend. */
    backend: z.enum(BACKEND_CHOICES).default('wasm'),
    scenario: scenarioSchema,
    model: modelSchema,
    strategy: strategySectionSchema,
    training: trainingSchema.default({}),
    evaluation: evaluationSchema.default({ batchSize: 1000, taskInferenceMode: 'sample', taskInferenceScore: DEFAULT_TASK_INFERENCE_SCORE, taskInferenceBatchSize: 128 }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const kind = config.scenario.kind ?? PRESETS[config.scenario.preset].kind;
    const kinds = PRESETS[config.scenario.preset].kinds;
    if (!kinds.includes(kind)) {
      ctx.addIssue({ code: 'custom', path: ['scenario', 'kind'], message: `expected one of ${kinds.join(', ')} for preset ${config.scenario.preset}` });
    }
    if (kind === 'domain-incremental' && isSubnetworkStrategy(config.strategy.name)) {
      ctx.addIssue({ code: 'custom', path: ['scenario', 'kind'], message: `expected task-incremental or class-incremental for the sub-network method ${config.strategy.name}` });
    }
  });

/** A validated run configuration, every default filled in. */
export type RunConfig = z.infer<typeof runConfigSchema>;

/** What a config file may contain (defaults not yet filled). */
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** The training section of a validated config. */
export type TrainingSection = z.infer<typeof trainingSchema>;

/** The model section of a validated config. */
export type ModelSection = z.infer<typeof modelSchema>;
