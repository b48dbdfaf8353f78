import { InvalidArgumentError } from '@retain/core';
import { MAX_CODE_BITS, packedWordCount } from '../bits/code-packing.js';
import { MAX_TASK_ID, OwnershipMap, type ParameterTensorSpec } from '../ownership/ownership-map.js';

/** A JSON value: what the architecture descriptor and per-task metadata may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A named float32 array with a shape: a head's kernel or bias, batch-norm statistics, a shared weight. */
export interface NamedTensor {
  /** Unique within its list, at most 65535 UTF-8 bytes. */
  readonly name: string;
  /** Shape; prod(shape) = values.length. Rank at most 255. */
  readonly shape: readonly number[];
  /** The values. */
  readonly values: Float32Array;
}

/** Codes packed by {@link packCodes}. */
export interface PackedCodes {
  /** Bits per code, 1..16. */
  readonly bits: number;
  /** Number of codes. */
  readonly count: number;
  /** ceil(count x bits / 32) words. */
  readonly words: Uint32Array;
}

/**
 * One task's stored weights for one parameter tensor. By convention the
 * values or codes are those of the slots the task claimed, in ascending slot
 * order ({@link BitMask.gather} / {@link BitMask.scatter}); the store checks
 * only that each entry is consistent with itself.
 * - `float32`: raw float weights (PackNet, WSN, EsaCL);
 * - `linear`: value = scale x (code - zeroPoint); `scales` and `zeroPoints`
 *   have one entry per group (1 for per-tensor), their meaning is the writer's;
 * - `codebook`: value = codebook[code] (k-means, Ada-QPacknet).
 */
export type QuantizedTensor =
  | { readonly tensor: string; readonly scheme: 'float32'; readonly values: Float32Array }
  | { readonly tensor: string; readonly scheme: 'linear'; readonly scales: Float32Array; readonly zeroPoints: Float32Array; readonly codes: PackedCodes }
  | { readonly tensor: string; readonly scheme: 'codebook'; readonly codebook: Float32Array; readonly codes: PackedCodes };

/** Everything the store keeps for one task besides its claims and masks (which live in the ownership map). */
export interface TaskRecord {
  /** The task. */
  readonly taskId: number;
  /** Stored weights, by tensor name. */
  readonly quantization: ReadonlyMap<string, QuantizedTensor>;
  /** The task's head (classifier) tensors. */
  readonly heads: readonly NamedTensor[];
  /** The task's batch-norm statistics (and affine parameters, if kept per task). */
  readonly batchNorm: readonly NamedTensor[];
  /** Free-form metadata (bit width chosen, sparsity, accuracy, ...), or undefined. */
  readonly metadata: JsonValue | undefined;
}

interface MutableTaskRecord {
  taskId: number;
  quantization: Map<string, QuantizedTensor>;
  heads: NamedTensor[];
  batchNorm: NamedTensor[];
  metadata: JsonValue | undefined;
}

/** Options of {@link SubnetworkStore}: a fresh ownership map from `tensors`, or an existing one. */
export type SubnetworkStoreOptions =
  | { readonly architecture: JsonValue; readonly tensors: readonly ParameterTensorSpec[] }
  | { readonly architecture: JsonValue; readonly ownership: OwnershipMap };

const UTF8 = new TextEncoder();

/** Checks that `value` survives JSON (no undefined, functions, NaN, cycles); returns its text. */
export function jsonText(field: string, value: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`non-finite number ${v}`);
      if (v === undefined || typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol') throw new Error(`a ${typeof v} value`);
      return v;
    });
  } catch (error) {
    throw new InvalidArgumentError(field, value, `JSON data (${(error as Error).message})`);
  }
  if (text === undefined) throw new InvalidArgumentError(field, value, 'JSON data');
  return text;
}

function checkNamedTensors(field: string, tensors: readonly NamedTensor[]): NamedTensor[] {
  const names = new Set<string>();
  return tensors.map((t, i) => {
    if (typeof t.name !== 'string' || t.name.length === 0 || UTF8.encode(t.name).length > 0xffff) {
      throw new InvalidArgumentError(`${field}[${i}].name`, t.name, 'a non-empty string of at most 65535 UTF-8 bytes');
    }
    if (names.has(t.name)) throw new InvalidArgumentError(`${field}[${i}].name`, t.name, 'a name not used twice in the list');
    names.add(t.name);
    if (t.shape.length > 255 || t.shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
      throw new InvalidArgumentError(`${field}[${i}].shape`, [...t.shape], 'at most 255 dimensions, each an integer in [0, 2^32)');
    }
    if (!(t.values instanceof Float32Array)) throw new InvalidArgumentError(`${field}[${i}].values`, t.values, 'a Float32Array');
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.values.length !== size) throw new InvalidArgumentError(`${field}[${i}].values.length`, t.values.length, `${size} (prod of shape [${t.shape.join(', ')}])`);
    return { name: t.name, shape: [...t.shape], values: t.values };
  });
}

function checkCodes(field: string, codes: PackedCodes): void {
  if (!Number.isInteger(codes.bits) || codes.bits < 1 || codes.bits > MAX_CODE_BITS) throw new InvalidArgumentError(`${field}.bits`, codes.bits, `an integer in [1, ${MAX_CODE_BITS}]`);
  if (!Number.isInteger(codes.count) || codes.count < 0 || codes.count > 0xffffffff) throw new InvalidArgumentError(`${field}.count`, codes.count, 'an integer in [0, 2^32)');
  if (!(codes.words instanceof Uint32Array)) throw new InvalidArgumentError(`${field}.words`, codes.words, 'a Uint32Array');
  const words = packedWordCount(codes.count, codes.bits);
  if (codes.words.length !== words) throw new InvalidArgumentError(`${field}.words.length`, codes.words.length, `${words} words for ${codes.count} ${codes.bits}-bit codes`);
}

/** Validates a quantized tensor entry; returns it. */
export function checkQuantizedTensor(entry: QuantizedTensor, tensors: readonly ParameterTensorSpec[]): QuantizedTensor {
  if (!tensors.some((t) => t.name === entry.tensor)) {
    throw new InvalidArgumentError('quantization.tensor', entry.tensor, `one of ${tensors.map((t) => JSON.stringify(t.name)).join(', ')}`);
  }
  switch (entry.scheme) {
    case 'float32':
      if (!(entry.values instanceof Float32Array)) throw new InvalidArgumentError('quantization.values', entry.values, 'a Float32Array');
      if (entry.values.length > 0xffffffff) throw new InvalidArgumentError('quantization.values.length', entry.values.length, 'less than 2^32');
      return entry;
    case 'linear':
      checkCodes('quantization.codes', entry.codes);
      if (!(entry.scales instanceof Float32Array) || !(entry.zeroPoints instanceof Float32Array) || entry.scales.length === 0 || entry.scales.length !== entry.zeroPoints.length) {
        throw new InvalidArgumentError('quantization.scales', entry.scales, 'non-empty Float32Arrays of scales and zeroPoints of equal length');
      }
      return entry;
    case 'codebook':
      checkCodes('quantization.codes', entry.codes);
      if (!(entry.codebook instanceof Float32Array) || entry.codebook.length === 0 || entry.codebook.length > 2 ** entry.codes.bits) {
        throw new InvalidArgumentError('quantization.codebook.length', entry.codebook?.length, `1..${2 ** entry.codes.bits} (2^bits) entries`);
      }
      return entry;
    default:
      throw new InvalidArgumentError('quantization.scheme', (entry as { scheme: unknown }).scheme, "'float32', 'linear' or 'codebook'");
  }
}

function checkTaskId(taskId: number): void {
  if (!Number.isInteger(taskId) || taskId < 1 || taskId > MAX_TASK_ID) throw new InvalidArgumentError('taskId', taskId, `an integer in [1, ${MAX_TASK_ID}]`);
}

/**
 * What a mask strategy keeps per task, in memory: the ownership map (claims,
 * bit budgets, own masks), each task's stored weights (float or quantised:
 * codebooks/scales and packed codes), heads, batch-norm statistics and
 * metadata, plus tensors shared by all tasks. {@link encodeStore} turns it
 * into one file; {@link decodeStore} back.
 */
export class SubnetworkStore {
  /** The model architecture descriptor (free-form JSON, stored in the header). */
  readonly architecture: JsonValue;
  /** Who holds which bits of which weight. */
  readonly ownership: OwnershipMap;
  private readonly records = new Map<number, MutableTaskRecord>();
  private sharedTensors: NamedTensor[] = [];

  constructor(options: SubnetworkStoreOptions) {
    jsonText('architecture', options.architecture);
    this.architecture = options.architecture;
    this.ownership = 'ownership' in options ? options.ownership : new OwnershipMap(options.tensors);
  }

  /** The parameter tensors of the shared network. */
  get tensors(): readonly ParameterTensorSpec[] {
    return this.ownership.tensors;
  }

  /** Tensors every task uses (e.g. frozen biases): stored once, as task 0. */
  get shared(): readonly NamedTensor[] {
    return this.sharedTensors;
  }

  /** Replaces the shared tensors. */
  setShared(tensors: readonly NamedTensor[]): void {
    this.sharedTensors = checkNamedTensors('shared', tensors);
  }

  /** Tasks with a record or with claims or masks, ascending. */
  taskIds(): number[] {
    const ids = new Set([...this.records.keys(), ...this.ownership.taskIds()]);
    return [...ids].sort((a, b) => a - b);
  }

  private record(taskId: number): MutableTaskRecord {
    checkTaskId(taskId);
    let record = this.records.get(taskId);
    if (record === undefined) {
      record = { taskId, quantization: new Map(), heads: [], batchNorm: [], metadata: undefined };
      this.records.set(taskId, record);
    }
    return record;
  }

  /** The record of `taskId` (empty if nothing was stored for it yet). */
  task(taskId: number): TaskRecord {
    checkTaskId(taskId);
    const record = this.records.get(taskId);
    return record ?? { taskId, quantization: new Map(), heads: [], batchNorm: [], metadata: undefined };
  }

  /** Adds a task with no data yet (it is listed in the file even if it stays empty). */
  addTask(taskId: number): void {
    this.record(taskId);
  }

  /** Stores (replaces) the weights of one tensor for `taskId`. */
  setQuantization(taskId: number, entry: QuantizedTensor): void {
    const checked = checkQuantizedTensor(entry, this.tensors);
    this.record(taskId).quantization.set(checked.tensor, checked);
  }

  /** Replaces the head tensors of `taskId`. */
  setHeads(taskId: number, heads: readonly NamedTensor[]): void {
    const checked = checkNamedTensors('heads', heads);
    this.record(taskId).heads = checked;
  }

  /** Replaces the batch-norm statistics of `taskId`. */
  setBatchNorm(taskId: number, statistics: readonly NamedTensor[]): void {
    const checked = checkNamedTensors('batchNorm', statistics);
    this.record(taskId).batchNorm = checked;
  }

  /** Replaces the metadata of `taskId` (JSON; undefined removes it). */
  setMetadata(taskId: number, metadata: JsonValue | undefined): void {
    if (metadata !== undefined) jsonText('metadata', metadata);
    this.record(taskId).metadata = metadata;
  }

  /** Drops a task: its record, and its claims and masks (see {@link OwnershipMap.releaseTask}). */
  removeTask(taskId: number): void {
    checkTaskId(taskId);
    this.ownership.releaseTask(taskId);
    this.records.delete(taskId);
  }
}
