import { PhaseMachine } from '../framework/phase-machine.js';

/**
 * WSN's phases for one task: `idle` (between tasks) -> `training` (weights
 * and scores train through the top-c % mask) -> consolidated (the task's mask
 * is fixed and stored, the weights it newly selected are frozen), back to
 * `idle`. An interrupted task is abandoned back to idle.
 */
export type WsnPhase = 'idle' | 'training';

/** The steps of {@link WsnPhase}'s machine. */
export type WsnAction = 'train' | 'consolidate' | 'abandon';

/** A fresh WSN state machine, in `idle`. */
export function wsnMachine(): PhaseMachine<WsnPhase, WsnAction> {
  return new PhaseMachine<WsnPhase, WsnAction>('wsn', 'idle', {
    idle: { train: 'training' },
    training: { consolidate: 'idle', abandon: 'idle' },
  });
}
