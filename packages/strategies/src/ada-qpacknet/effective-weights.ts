import { InvalidArgumentError } from '@retain/core';
import type { BitMask } from '@retain/masks';

/** What one task stores in one tensor: its claimed slots and the value it restores at each (ascending slot order). */
export interface OwnedValues {
  /** The task's ownership id (1..). */
  readonly ownerId: number;
  readonly slots: BitMask;
  /** One value per selected slot. */
  readonly values: Float32Array;
}

/**
 * The weight task `ownerId` uses at inference (PackNet-style nesting with
 * slots shared by several tasks' codes): every slot takes the value of the
 * latest task <= `ownerId` that stores a code in it; slots no such task
 * holds are 0. Tasks above `ownerId` are ignored, so the result for a task
 * never changes when later tasks are added. Writes into `into` when given.
 */
export function assembleWeights(size: number, owned: readonly OwnedValues[], ownerId: number, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(size);
  if (out.length !== size) throw new InvalidArgumentError('into.length', out.length, `${size}`);
  if (into !== undefined) out.fill(0);
  const ordered = owned.filter((o) => o.ownerId <= ownerId).sort((a, b) => a.ownerId - b.ownerId);
  for (let k = 1; k < ordered.length; k++) {
    if ((ordered[k] as OwnedValues).ownerId === (ordered[k - 1] as OwnedValues).ownerId) {
      throw new InvalidArgumentError('owned', (ordered[k] as OwnedValues).ownerId, 'one entry per task');
    }
  }
  for (const o of ordered) o.slots.scatter(o.values, out);
  return out;
}
