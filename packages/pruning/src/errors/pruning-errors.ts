import { RetainError } from '@retain/core';

/** Two arrays that must describe the same weights have different lengths. */
export class LengthMismatchError extends RetainError {
  /** The argument whose length is wrong, e.g. `eligible` or `gradients`. */
  readonly field: string;
  /** The length it had to have (the weights' length). */
  readonly expected: number;
  /** The length it had. */
  readonly actual: number;

  constructor(field: string, expected: number, actual: number) {
    super('ERR_LENGTH_MISMATCH', `${field}: expected length ${expected} (one entry per weight), got ${actual}`);
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

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
