import { InvalidArgumentError } from '@retain/core';
import { analyseStore, type DecodeStoreOptions } from './decode-store.js';

/**
 * Bytes of a store file by component, measured by decoding the bytes: every
 * byte read is counted under exactly one component, so the parts sum to
 * `totalBytes`.
 */
export interface StoreSizeBreakdown {
  /** File length. */
  readonly totalBytes: number;
  /** Packed codes, and float32 values of tasks stored unquantised. */
  readonly codes: number;
  /** Codebooks, scales and zero-points. */
  readonly codebooks: number;
  /** Tasks' own masks (WSN), as coded. */
  readonly masks: number;
  /** Claims: the coded claimed slots (encoded masks or version-2 claim payloads). */
  readonly ownership: number;
  /** Head values. */
  readonly heads: number;
  /** Batch-norm values. */
  readonly batchNorm: number;
  /** Values of tensors shared by all tasks. */
  readonly shared: number;
  /** Per-task metadata JSON. */
  readonly metadata: number;
  /**
   * Everything else: preamble, header JSON (architecture, tensor list), section
   * table, CRCs, section headers, per-entry indices, counts, names and shapes,
   * and the SHA-256 trailer.
   */
  readonly framing: number;
  /** Bytes of each task's sections, section headers included (task 0: shared tensors). */
  readonly bytesByTask: ReadonlyMap<number, number>;
}

/** Decodes `bytes` (with every check of {@link decodeStore}) and reports the bytes of each component. */
export function measureStoreSize(bytes: Uint8Array, options: DecodeStoreOptions = {}): StoreSizeBreakdown {
  const { tally, bytesByTask } = analyseStore(bytes, options);
  const get = (k: Parameters<typeof tally.get>[0]): number => tally.get(k) ?? 0;
  return {
    totalBytes: bytes.length,
    codes: get('codes'),
    codebooks: get('codebooks'),
    masks: get('masks'),
    ownership: get('ownership'),
    heads: get('heads'),
    batchNorm: get('batchNorm'),
    shared: get('shared'),
    metadata: get('metadata'),
    framing: get('framing'),
    bytesByTask,
  };
}

/** Number of weights of a list of tensors (sum of the products of their shapes). */
export function countParameters(tensors: readonly { readonly shape: readonly number[] }[]): number {
  return tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}

/** A store's size against one dense float32 model of the same architecture. */
export interface DenseComparison {
  /** Bytes of the store. */
  readonly storeBytes: number;
  /** Parameters of the dense model. */
  readonly parameters: number;
  /** parameters x 4. */
  readonly denseBytes: number;
  /** storeBytes / denseBytes (below 1: the store is smaller than one dense model). */
  readonly ratio: number;
  /** denseBytes / storeBytes. */
  readonly compressionFactor: number;
}

/**
 * Compares a store (its byte count, or a breakdown) with one dense float32
 * model of `parameters` parameters (for example {@link countParameters} of
 * the tensors plus one head), stored as parameters x 4 bytes.
 */
export function compareWithDense(store: number | StoreSizeBreakdown, parameters: number): DenseComparison {
  const storeBytes = typeof store === 'number' ? store : store.totalBytes;
  if (!Number.isSafeInteger(storeBytes) || storeBytes <= 0) throw new InvalidArgumentError('storeBytes', storeBytes, 'a positive integer');
  if (!Number.isSafeInteger(parameters) || parameters <= 0) throw new InvalidArgumentError('parameters', parameters, 'a positive integer');
  const denseBytes = parameters * 4;
  return { storeBytes, parameters, denseBytes, ratio: storeBytes / denseBytes, compressionFactor: denseBytes / storeBytes };
}
