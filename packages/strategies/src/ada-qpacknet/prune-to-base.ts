import { InvalidArgumentError } from '@retain/core';
import { magnitudePrune } from '@retain/pruning';

/**
 * Magnitude pruning of one task's weights in one layer, in place: of the
 * `candidates` (0/1 per slot: the slots the task trains), keeps the
 * `keepFraction` with the largest |w| (Math.round of the count, @retain/pruning's
 * rule) and sets every other candidate back to its `base` value: 0 for an
 * untouched slot, the value earlier tasks' codes restore for a slot the task
 * shares with them. Slots outside the candidates are not read or written.
 * Returns the kept mask (0/1 per slot, a subset of the candidates).
 */
export function pruneToBase(weights: Float32Array, candidates: Uint8Array, base: Float32Array, keepFraction: number): Uint8Array {
  if (candidates.length !== weights.length) throw new InvalidArgumentError('candidates.length', candidates.length, `${weights.length} (the weights)`);
  if (base.length !== weights.length) throw new InvalidArgumentError('base.length', base.length, `${weights.length} (the weights)`);
  const keep = magnitudePrune(weights, { keepFraction, eligible: candidates });
  for (let i = 0; i < weights.length; i++) {
    if (candidates[i] === 1 && keep[i] === 0) weights[i] = base[i] as number;
  }
  return keep;
}
