import { PhaseMachine } from '../framework/phase-machine.js';

/**
 * PackNet's phases for one task: `idle` (between tasks) -> `training` (free
 * weights train) -> `pruned` (the task's smallest weights released) ->
 * `retrained` (survivors fine-tuned) -> frozen, back to `idle`. Retraining
 * may be skipped (pruned -> idle). An interrupted task is abandoned back to
 * idle. Anything else throws InvalidTransitionError.
 */
export type PackNetPhase = 'idle' | 'training' | 'pruned' | 'retrained';

/** The steps of {@link PackNetPhase}'s machine. */
export type PackNetAction = 'train' | 'prune' | 'retrain' | 'freeze' | 'abandon';

/** A fresh PackNet state machine, in `idle`. */
export function packNetMachine(): PhaseMachine<PackNetPhase, PackNetAction> {
  return new PhaseMachine<PackNetPhase, PackNetAction>('packnet', 'idle', {
    idle: { train: 'training' },
    training: { prune: 'pruned', abandon: 'idle' },
    pruned: { retrain: 'retrained', freeze: 'idle', abandon: 'idle' },
    retrained: { freeze: 'idle', abandon: 'idle' },
  });
}
