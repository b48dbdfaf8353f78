import { InvalidTransitionError } from './strategy-errors.js';

/**
 * The transitions of a {@link PhaseMachine}: for each phase, the actions
 * allowed from it and the phase each leads to.
 */
export type PhaseTransitions<P extends string, A extends string> = {
  readonly [phase in P]: Partial<Readonly<Record<A, P>>>;
};

/**
 * An explicit finite state machine for mask strategies (after Avalanche's
 * PackNet plugin, whose phases refuse out-of-order calls). `apply(action)`
 * moves to the next phase or throws {@link InvalidTransitionError}, changing
 * nothing. Pure bookkeeping: no tensors.
 *
 * @example
 * const m = new PhaseMachine('packnet', 'free', { free: { train: 'trained' }, trained: { prune: 'pruned' }, pruned: {} });
 * m.apply('train'); // 'trained'
 * m.apply('train'); // throws InvalidTransitionError: cannot train in phase 'trained' (allowed: 'prune')
 */
export class PhaseMachine<P extends string, A extends string> {
  readonly name: string;
  private current: P;
  private readonly transitions: PhaseTransitions<P, A>;

  constructor(name: string, initial: P, transitions: PhaseTransitions<P, A>) {
    this.name = name;
    this.current = initial;
    this.transitions = transitions;
  }

  /** The phase now. */
  get phase(): P {
    return this.current;
  }

  /** Actions allowed now. */
  allowed(): A[] {
    return Object.keys(this.transitions[this.current]) as A[];
  }

  /** Whether `action` is allowed now. */
  can(action: A): boolean {
    return this.transitions[this.current][action] !== undefined;
  }

  /** Throws {@link InvalidTransitionError} unless `action` is allowed now. */
  check(action: A): void {
    if (!this.can(action)) throw new InvalidTransitionError(this.name, this.current, action, this.allowed());
  }

  /** Performs `action`: returns the new phase, or throws {@link InvalidTransitionError} (the phase is unchanged). */
  apply(action: A): P {
    this.check(action);
    this.current = this.transitions[this.current][action] as P;
    return this.current;
  }

  /** Sets the phase directly (restoring a checkpoint); throws if `phase` is not one of the machine's. */
  restore(phase: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.transitions, phase)) {
      throw new InvalidTransitionError(this.name, this.current, `restore phase '${phase}'`, Object.keys(this.transitions));
    }
    this.current = phase as P;
  }
}
