import { RetainError } from '@retain/core';

/**
 * A mask strategy was asked for a step its state machine does not allow now
 * (for example PackNet asked to prune twice, or to train a task after it was
 * frozen without starting the next one). Nothing was changed.
 */
export class InvalidTransitionError extends RetainError {
  /** The state machine, for example `packnet`. */
  readonly machine: string;
  /** The phase it was in. */
  readonly from: string;
  /** The step asked for. */
  readonly action: string;
  /** The steps allowed from `from`. */
  readonly allowed: readonly string[];

  constructor(machine: string, from: string, action: string, allowed: readonly string[]) {
    super(
      'ERR_INVALID_TRANSITION',
      `${machine}: cannot ${action} in phase '${from}' (allowed from '${from}': ${allowed.length === 0 ? 'nothing' : allowed.map((a) => `'${a}'`).join(', ')})`,
    );
    this.machine = machine;
    this.from = from;
    this.action = action;
    this.allowed = [...allowed];
  }
}

/** Training stopped because the context's AbortSignal fired. The model keeps the weights of the last finished step. */
export class TrainingAbortedError extends RetainError {
  /** The experience being trained. */
  readonly experience: number;

  constructor(experience: number, reason: unknown) {
    super('ERR_TRAINING_ABORTED', `training of experience ${experience} aborted${reason === undefined ? '' : `: ${String(reason)}`}`);
    this.experience = experience;
  }
}

/**
 * A strategy checkpoint does not fit the strategy it is loaded into (another
 * strategy, format or version, a missing tensor, a tensor of the wrong size).
 * Nothing was changed.
 */
export class StrategyStateError extends RetainError {
  /** The checkpoint field at fault, for example `tensors["packnet/owners/dense1/kernel"]`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('ERR_STRATEGY_STATE', `${field}: ${message}`);
    this.field = field;
  }
}

/**
 * A strategy was used in a way its scenario does not allow: a task id at
 * prediction where the scenario kind forbids one (or none where a multi-head
 * strategy needs one), a task trained twice by a strategy that trains each
 * task once, or a task predicted before it was trained.
 */
export class StrategyUsageError extends RetainError {
  /** The strategy. */
  readonly strategy: string;

  constructor(strategy: string, message: string) {
    super('ERR_STRATEGY_USAGE', `${strategy}: ${message}`);
    this.strategy = strategy;
  }
}
