import { InvalidArgumentError } from '../errors/retain-error.js';
import type { BatchNormMode, BatchNormOptions } from '../layers/batch-norm.js';
import type { HeadDescriptor, JsonValue } from '../layers/model-descriptor.js';
import type { HeadsSpec } from '../layers/network-builder.js';
import { INIT_SCHEMES, type InitScheme } from '../layers/parameter-factory.js';

/** Options every zoo model takes. */
export interface CommonModelOptions {
  /** Per-sample input shape: [height, width, channels] for images (NHWC), or [features]. */
  readonly inputShape: readonly number[];
  /** One head per task (task-incremental) or one shared head. Default: true when classesPerTask is given. */
  readonly multiHead?: boolean;
  /** Multi-head: the number of classes of task 0, 1, ... (more heads can be added later with addHead). */
  readonly classesPerTask?: readonly number[];
  /** Single head: its number of classes. */
  readonly numClasses?: number;
  /** Seed of the initial weights and of dropout. Default 0. */
  readonly seed?: number;
  /** Weight initialisation. Default 'glorot' (Keras' defaults); 'torch' matches PyTorch's layer defaults. */
  readonly init?: InitScheme;
}

/** Batch-norm choice of the zoo: none, or per-task / shared state. */
export type ZooBatchNorm = 'none' | BatchNormMode;

/** Options of the models that can have batch norm. */
export interface BatchNormModelOptions {
  /** Batch norm after each hidden convolution / dense layer (default depends on the model). */
  readonly batchNorm?: ZooBatchNorm;
  /** Learn batch norm's scale and shift (kept like its statistics). Default true. */
  readonly batchNormAffine?: boolean;
  /** Use running statistics at inference (default true); false uses batch statistics, as GPM/WSN/Ada-QPacknet code does. */
  readonly trackRunningStats?: boolean;
}

/** The common options resolved: every default filled, as recorded in a descriptor. */
export interface ResolvedCommon {
  readonly inputShape: number[];
  readonly multiHead: boolean;
  readonly numClasses?: number;
  readonly seed: number;
  readonly init: InitScheme;
}

const COMMON_KEYS = ['inputShape', 'multiHead', 'classesPerTask', 'numClasses', 'seed', 'init'];
const BATCH_NORM_KEYS = ['batchNorm', 'batchNormAffine', 'trackRunningStats'];

/** Rejects keys that a model does not know (typos such as `hiddenSize`). */
export function checkKnownKeys(model: string, options: object, modelKeys: readonly string[], withBatchNorm: boolean): void {
  const known = new Set([...COMMON_KEYS, ...modelKeys, ...(withBatchNorm ? BATCH_NORM_KEYS : [])]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new InvalidArgumentError(`${model}.${key}`, key, `one of the options ${[...known].join(', ')}`);
  }
}

/** A positive integer option. */
export function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(field, value, 'a positive integer');
  return value;
}

/** An array of positive integers (empty allowed when `allowEmpty`). */
export function positiveIntegers(field: string, value: unknown, allowEmpty: boolean): number[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw new InvalidArgumentError(field, value, `an array of positive integers${allowEmpty ? '' : ' (at least one)'}`);
  }
  return value.map((v, i) => positiveInteger(`${field}[${i}]`, v));
}

/** A dropout rate in [0, 1). */
export function rate(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new InvalidArgumentError(field, value, 'a number in [0, 1)');
  return value;
}

/** A boolean option. */
export function bool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, value, 'true or false');
  return value;
}

/** Resolves the common options and the heads they describe. */
export function resolveCommon(model: string, options: CommonModelOptions): { common: ResolvedCommon; heads: HeadDescriptor[] } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${model} options`, options, 'an object');
  const inputShape = positiveIntegers(`${model}.inputShape`, options.inputShape, false);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidArgumentError(`${model}.seed`, seed, 'a non-negative safe integer');
  const init = options.init ?? 'glorot';
  if (!INIT_SCHEMES.includes(init)) throw new InvalidArgumentError(`${model}.init`, init, `one of ${INIT_SCHEMES.join(', ')}`);
  const multiHead = options.multiHead ?? options.classesPerTask !== undefined;
  if (multiHead) {
    if (options.numClasses !== undefined) throw new InvalidArgumentError(`${model}.numClasses`, options.numClasses, 'undefined for a multi-head model (use classesPerTask)');
    const classes = positiveIntegers(`${model}.classesPerTask`, options.classesPerTask ?? [], true);
    return { common: { inputShape, multiHead, seed, init }, heads: classes.map((c, taskId) => ({ taskId, classes: c })) };
  }
  if (options.classesPerTask !== undefined) {
    throw new InvalidArgumentError(`${model}.classesPerTask`, options.classesPerTask, 'undefined for a single-head model (use numClasses)');
  }
  const numClasses = positiveInteger(`${model}.numClasses`, options.numClasses);
  return { common: { inputShape, multiHead, numClasses, seed, init }, heads: [{ taskId: 0, classes: numClasses }] };
}

/** The batch-norm options resolved, with the model's default mode. */
export function resolveBatchNorm(
  model: string,
  options: BatchNormModelOptions,
  defaultMode: ZooBatchNorm,
): { batchNorm: ZooBatchNorm; batchNormAffine: boolean; trackRunningStats: boolean } {
  const batchNorm = options.batchNorm ?? defaultMode;
  if (batchNorm !== 'none' && batchNorm !== 'per-task' && batchNorm !== 'shared') {
    throw new InvalidArgumentError(`${model}.batchNorm`, batchNorm, "'none', 'per-task' or 'shared'");
  }
  return {
    batchNorm,
    batchNormAffine: bool(`${model}.batchNormAffine`, options.batchNormAffine ?? true),
    trackRunningStats: bool(`${model}.trackRunningStats`, options.trackRunningStats ?? true),
  };
}

/** The layer options of a resolved batch-norm choice; undefined for none. */
export function batchNormLayerOptions(resolved: {
  batchNorm: ZooBatchNorm;
  batchNormAffine: boolean;
  trackRunningStats: boolean;
}): BatchNormOptions | undefined {
  if (resolved.batchNorm === 'none') return undefined;
  return { mode: resolved.batchNorm, affine: resolved.batchNormAffine, trackRunningStats: resolved.trackRunningStats };
}

/** The heads of a build. */
export function headsSpec(common: ResolvedCommon, heads: readonly HeadDescriptor[], useBias: boolean): HeadsSpec {
  if (common.multiHead) return { multiHead: true, heads, useBias };
  return { multiHead: false, numClasses: common.numClasses ?? heads[0]?.classes ?? 0, useBias };
}

/** The JSON form of resolved options. */
export function toJson(resolved: object): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(resolved)) as { [key: string]: JsonValue };
}
