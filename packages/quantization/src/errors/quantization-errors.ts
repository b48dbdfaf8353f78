import { RetainError } from '@retain/core';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value !== null && typeof value === 'object') return Object.prototype.toString.call(value);
  return String(value);
}

/**
 * A bit width outside what the called function accepts (1..16 in general,
 * 2..16 for symmetric linear quantisation, which needs a level on each side of 0).
 */
export class BitWidthError extends RetainError {
  /** The argument at fault, e.g. `bits`, `startBits` or `minBits`. */
  readonly field: string;
  /** What was passed. */
  readonly value: unknown;
  /** Smallest accepted bit width. */
  readonly min: number;
  /** Largest accepted bit width. */
  readonly max: number;

  constructor(field: string, value: unknown, min: number, max: number, reason = '') {
    super(
      'ERR_BIT_WIDTH',
      `${field}: expected an integer number of bits in ${min}..${max}${reason ? ` (${reason})` : ''}, got ${show(value)}`,
    );
    this.field = field;
    this.value = value;
    this.min = min;
    this.max = max;
  }
}

/** A cluster count `k` that is not an integer in 1..65536. */
export class ClusterCountError extends RetainError {
  /** The argument at fault, normally `k`. */
  readonly field: string;
  /** What was passed. */
  readonly value: unknown;

  constructor(field: string, value: unknown) {
    super('ERR_CLUSTER_COUNT', `${field}: expected an integer number of clusters in 1..65536, got ${show(value)}`);
    this.field = field;
    this.value = value;
  }
}

/** An input array with no entries where at least one is needed. */
export class EmptyInputError extends RetainError {
  /** The argument at fault, e.g. `values`. */
  readonly field: string;

  constructor(field: string) {
    super('ERR_EMPTY_INPUT', `${field}: expected at least one value, got an empty array`);
    this.field = field;
  }
}

/** An input value that is NaN, infinite or beyond the float32 range (|x| > 3.4028234663852886e38). */
export class NonFiniteValueError extends RetainError {
  /** The array holding the value, e.g. `values`. */
  readonly field: string;
  /** Position of the first offending entry. */
  readonly index: number;
  /** The offending value. */
  readonly value: number;

  constructor(field: string, index: number, value: number) {
    super('ERR_NON_FINITE_VALUE', `${field}[${index}]: expected a finite float32 value, got ${show(value)}`);
    this.field = field;
    this.index = index;
    this.value = value;
  }
}

/** Shared with every package: defined in @retain/core. */
export { LengthMismatchError } from '@retain/core';

/** Any other option or argument outside its accepted set (a shape with a bad dimension, an unknown method...). */
export class QuantizationOptionError extends RetainError {
  /** The option or argument at fault, e.g. `shape[1]`, `method` or `maxDrop`. */
  readonly field: string;
  /** What was passed. */
  readonly value: unknown;
  /** What is accepted, in words. */
  readonly expected: string;

  constructor(field: string, value: unknown, expected: string) {
    super('ERR_QUANTIZATION_OPTION', `${field}: expected ${expected}, got ${show(value)}`);
    this.field = field;
    this.value = value;
    this.expected = expected;
  }
}

/**
 * The optimal k-means table (4 bytes per cluster per distinct value) would
 * exceed the allowed memory: use fewer clusters, the Lloyd variant, or raise
 * `maxTableBytes`.
 */
export class KmeansMemoryError extends RetainError {
  /** Distinct values to cluster. */
  readonly distinctValues: number;
  /** Clusters asked for. */
  readonly clusters: number;
  /** Bytes the table would need. */
  readonly requiredBytes: number;
  /** The limit in force (`maxTableBytes`). */
  readonly limitBytes: number;

  constructor(distinctValues: number, clusters: number, requiredBytes: number, limitBytes: number) {
    super(
      'ERR_KMEANS_MEMORY',
      `k=${clusters} over ${distinctValues} distinct values needs a ${requiredBytes}-byte backtracking table, ` +
        `over maxTableBytes=${limitBytes}: use fewer clusters, kmeansLloyd1d, or raise maxTableBytes`,
    );
    this.distinctValues = distinctValues;
    this.clusters = clusters;
    this.requiredBytes = requiredBytes;
    this.limitBytes = limitBytes;
  }
}

/** The bit-width search's `evaluate(bits)` returned something that is not a finite number. */
export class EvaluationResultError extends RetainError {
  /** The bit width that was being evaluated. */
  readonly bits: number;
  /** What `evaluate` returned. */
  readonly value: unknown;

  constructor(bits: number, value: unknown) {
    super('ERR_EVALUATION_RESULT', `evaluate(${bits}): expected a finite accuracy, got ${show(value)}`);
    this.bits = bits;
    this.value = value;
  }
}
