import { PhaseMachine } from '../framework/phase-machine.js';

/**
 * Ada-QPacknet's phases for one task: `idle` (between tasks) -> `searching`
 * (the adaptive sparsity search's brief trials; skipped with a fixed
 * sparsity) -> `training` (the task's candidate slots train, magnitude-pruned
 * after every step in the dynamic mode) -> `pruned` (the kept weights fixed)
 * -> `retraining` (optional fine-tuning of the kept weights) -> `quantized`
 * (codes chosen by the bit-width search) -> frozen, back to `idle`. An
 * interrupted task is abandoned back to idle. Anything else throws
 * InvalidTransitionError.
 */
export type AdaQPacknetPhase = 'idle' | 'searching' | 'training' | 'pruned' | 'retraining' | 'quantized';

/** The steps of {@link AdaQPacknetPhase}'s machine. */
export type AdaQPacknetAction = 'search' | 'train' | 'prune' | 'retrain' | 'quantize' | 'freeze' | 'abandon';

/** A fresh Ada-QPacknet state machine, in `idle`. */
export function adaQPacknetMachine(): PhaseMachine<AdaQPacknetPhase, AdaQPacknetAction> {
  return new PhaseMachine<AdaQPacknetPhase, AdaQPacknetAction>('ada-qpacknet', 'idle', {
    idle: { search: 'searching', train: 'training' },
    searching: { train: 'training', abandon: 'idle' },
    training: { prune: 'pruned', abandon: 'idle' },
    pruned: { retrain: 'retraining', quantize: 'quantized', abandon: 'idle' },
    retraining: { quantize: 'quantized', abandon: 'idle' },
    quantized: { freeze: 'idle', abandon: 'idle' },
  });
}
