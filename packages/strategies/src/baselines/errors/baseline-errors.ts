import { RetainError } from '@retain/core';

/**
 * Two arrays that must describe the same weights have different lengths, or
 * a named set of arrays lacks (or adds) a parameter: importance and anchor
 * values of a regulariser must match the weights one to one.
 */
export class WeightLayoutMismatchError extends RetainError {
  /** What does not match, e.g. `fisher["dense1/kernel"]` or `gradient`. */
  readonly field: string;
  /** What it had to be (a length or a parameter name). */
  readonly expected: number | string;
  /** What it was (a length, a parameter name, or `missing`). */
  readonly actual: number | string;

  constructor(field: string, expected: number | string, actual: number | string) {
    super('ERR_WEIGHT_LAYOUT_MISMATCH', `${field}: expected ${String(expected)}, got ${String(actual)}`);
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A method was called in the wrong phase, e.g. a path-integral step before beginTask(). */
export class BaselinePhaseError extends RetainError {
  /** The object whose phase is wrong, e.g. `PathIntegralImportance`. */
  readonly component: string;
  /** The call that was refused. */
  readonly call: string;
  /** The phase it was in. */
  readonly phase: string;

  constructor(component: string, call: string, phase: string, hint: string) {
    super('ERR_BASELINE_PHASE', `${component}.${call}() is not allowed while ${phase}: ${hint}`);
    this.component = component;
    this.call = call;
    this.phase = phase;
  }
}

/** A stored state (a checkpoint of a buffer or of importances) is malformed. */
export class BaselineStateError extends RetainError {
  /** The state's field at fault, e.g. `reservoir.x`. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super('ERR_BASELINE_STATE', `${field}: ${problem}`);
    this.field = field;
  }
}
