import { RetainError } from '@retain/core';

/** Shared with every package: defined in @retain/core. */
export { LengthMismatchError } from '@retain/core';

/** A value that is ranked (a weight, a score) is NaN, so no order exists. */
export class NaNValueError extends RetainError {
  /** The array holding the NaN, e.g. `weights` or `scores` (with the layer name for several layers). */
  readonly field: string;
  /** Position of the first NaN found. */
  readonly index: number;

  constructor(field: string, index: number) {
    super('ERR_NAN_VALUE', `${field}[${index}] is NaN: NaN values cannot be ranked`);
    this.field = field;
    this.index = index;
  }
}

/** The trial function of the sparsity search returned something that is not an accuracy in [0, 1]. */
export class InvalidTrialResultError extends RetainError {
  /** Generation of the candidate (0-based). */
  readonly generation: number;
  /** Position of the candidate within its generation (0-based). */
  readonly candidate: number;
  /** What the trial returned. */
  readonly value: unknown;

  constructor(generation: number, candidate: number, value: unknown) {
    super(
      'ERR_INVALID_TRIAL_RESULT',
      `trial for generation ${generation}, candidate ${candidate}: expected an accuracy in [0, 1], got ${String(value)}`,
    );
    this.generation = generation;
    this.candidate = candidate;
    this.value = value;
  }
}
