import { z } from 'zod';

// Per-strategy option schemas. Each mirrors the options of the strategy's
// constructor in @retain/strategies (see its README for the defaults and
// their sources); `.strict()` so that a misspelt option is an error, not a
// silently ignored key. Training settings live in the config's `training`
// section, not here.

const openFraction = z.number().min(0).lt(1);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const classMasking = z.object({ train: z.enum(['none', 'experience']).optional(), predict: z.enum(['none', 'seen']).optional() }).strict();
const common = { classMasking: classMasking.optional() };

const ewcSettings = z
  .object({
    lambda: z.number().nonnegative().optional(),
    gamma: z.number().min(0).max(1).optional(),
    fisherKind: z.enum(['true', 'empirical']).optional(),
    fisherSamples: positiveInt.optional(),
    fisherMicroBatchSize: positiveInt.optional(),
  })
  .strict();

/** Options of each strategy, by the name the registry knows it by. */
export const STRATEGY_OPTION_SCHEMAS = {
  naive: z.object({ ...common }).strict(),
  joint: z.object({ ...common, fromScratch: z.boolean().optional() }).strict(),
  ewc: z.object({ ...common, ewc: ewcSettings.omit({ gamma: true }).strict().optional() }).strict(),
  'online-ewc': z.object({ ...common, ewc: ewcSettings.optional() }).strict(),
  si: z
    .object({ ...common, si: z.object({ c: z.number().nonnegative().optional(), damping: z.number().positive().optional(), clipNegative: z.boolean().optional() }).strict().optional() })
    .strict(),
  lwf: z
    .object({
      ...common,
      lwf: z.object({ temperature: z.number().positive().optional(), lambda: z.number().nonnegative().optional() }).strict().optional(),
      warmupEpochs: nonNegativeInt.optional(),
    })
    .strict(),
  replay: z
    .object({
      classMasking: z.object({ train: z.literal('none').optional(), predict: z.enum(['none', 'seen']).optional() }).strict().optional(),
      replay: z.object({ capacity: positiveInt.optional(), replayBatchSize: positiveInt.optional() }).strict().optional(),
    })
    .strict(),
  packnet: z
    .object({
      /** A fraction, or 'equal' (packNetEqualShares: each of n tasks gets 1/n of every layer). */
      pruneFraction: z.union([openFraction, z.literal('equal')]).optional(),
      retrainEpochs: nonNegativeInt.optional(),
      retrainLearningRate: z.number().positive().optional(),
    })
    .strict(),
  wsn: z
    .object({
      capacity: z.number().gt(0).max(1).optional(),
      maskCoding: z.enum(['auto', 'raw', 'range']).optional(),
      scoreSeed: nonNegativeInt.optional(),
    })
    .strict(),
  'ada-qpacknet': z
    .object({
      quantization: z.enum(['kmeans', 'linear']).optional(),
      kmeans: z.enum(['optimal', 'lloyd']).optional(),
      perChannel: z.boolean().optional(),
      bits: z.union([z.number().int().min(1).max(16), z.literal('search')]).optional(),
      bitSearch: z.object({ startBits: z.number().int().min(1).max(16).optional(), minBits: z.number().int().min(1).max(16).optional(), maxDrop: z.number().nonnegative().optional() }).strict().optional(),
      quantizeHeads: z.boolean().optional(),
      sparsity: z.union([openFraction, z.literal('search'), z.record(z.string(), openFraction)]).optional(),
      sparsitySearch: z
        .object({
          sparsityRange: z.tuple([openFraction, openFraction]).optional(),
          populationSize: positiveInt.optional(),
          generations: positiveInt.optional(),
          accuracyWeight: z.number().nonnegative().optional(),
          sparsityWeight: z.number().nonnegative().optional(),
          mutationScale: z.number().nonnegative().optional(),
          trialEpochs: positiveInt.optional(),
        })
        .strict()
        .optional(),
      pruning: z.enum(['dynamic', 'post']).optional(),
      pruneInterval: positiveInt.optional(),
      retrainEpochs: nonNegativeInt.optional(),
      reuseSlots: z.boolean().optional(),
      holdout: z.object({ fraction: openFraction.optional(), maxSamples: positiveInt.optional() }).strict().optional(),
    })
    .strict(),
  blip: z
    .object({
      maxBits: z.number().int().min(1).max(24).optional(),
      fisherPrior: z.number().positive().optional(),
      boundScale: z.number().positive().optional(),
      fisherSamples: positiveInt.optional(),
      fisherMicroBatchSize: positiveInt.optional(),
    })
    .strict(),
  esacl: z
    .object({
      sparsity: openFraction.optional(),
      pruning: z.enum(['sdp', 'magnitude']).optional(),
      pruneScope: z.enum(['layer', 'global']).optional(),
      samRho: z.number().nonnegative().optional(),
      ids: z
        .union([
          z.literal(false),
          z
            .object({
              fraction: z.number().gt(0).max(1).optional(),
              criterion: z.enum(['loss', 'el2n']).optional(),
              classBalanced: z.boolean().optional(),
              warmupEpochs: nonNegativeInt.optional(),
              scope: z.enum(['statistics', 'training']).optional(),
            })
            .strict(),
        ])
        .optional(),
      statisticsSamples: positiveInt.optional(),
      statisticsBatchSize: positiveInt.optional(),
    })
    .strict(),
} as const;

/** Every strategy name of the registry. */
export type StrategyName = keyof typeof STRATEGY_OPTION_SCHEMAS;

/** The strategy names, in the order `retain presets` lists them. */
export const STRATEGY_NAMES = Object.keys(STRATEGY_OPTION_SCHEMAS) as StrategyName[];

/** The sub-network (mask / bit-budget) methods: trained with task ids, evaluated by task inference in class-incremental runs. */
export const SUBNETWORK_STRATEGIES: readonly StrategyName[] = ['packnet', 'wsn', 'ada-qpacknet', 'blip', 'esacl'];

/** Whether `name` is a sub-network method. */
export function isSubnetworkStrategy(name: StrategyName): boolean {
  return SUBNETWORK_STRATEGIES.includes(name);
}

/** The options of strategy `N`, as validated. */
export type StrategyOptionsOf<N extends StrategyName> = z.infer<(typeof STRATEGY_OPTION_SCHEMAS)[N]>;

function member<N extends StrategyName>(name: N) {
  return z.object({ name: z.literal(name), options: z.preprocess((value) => value ?? {}, STRATEGY_OPTION_SCHEMAS[name]) }).strict();
}

/** The `strategy` section: a name and that strategy's options (a discriminated union on `name`). */
export const strategySectionSchema = z.discriminatedUnion('name', [
  member('naive'),
  member('joint'),
  member('ewc'),
  member('online-ewc'),
  member('si'),
  member('lwf'),
  member('replay'),
  member('packnet'),
  member('wsn'),
  member('ada-qpacknet'),
  member('blip'),
  member('esacl'),
]);
