import { PhaseMachine } from '../framework/phase-machine.js';

/**
 * EsaCL's phases for one task: `idle` (between tasks) -> `training` (free
 * weights train with SAM, on the IDS subset after the warm-up) -> `pruned`
 * (one-shot pruning of the task's weights, no retraining) -> frozen, back to
 * `idle`. An interrupted task is abandoned back to idle. Anything else
 * throws InvalidTransitionError.
 */
export type EsaclPhase = 'idle' | 'training' | 'pruned';

/** The steps of {@link EsaclPhase}'s machine. */
export type EsaclAction = 'train' | 'prune' | 'freeze' | 'abandon';

/** A fresh EsaCL state machine, in `idle`. */
export function esaclMachine(): PhaseMachine<EsaclPhase, EsaclAction> {
  return new PhaseMachine<EsaclPhase, EsaclAction>('esacl', 'idle', {
    idle: { train: 'training' },
    training: { prune: 'pruned', abandon: 'idle' },
    pruned: { freeze: 'idle', abandon: 'idle' },
  });
}
