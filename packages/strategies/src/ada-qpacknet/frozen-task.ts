import type { Parameter } from '@retain/core';
import { decodeMask, type SubnetworkStore } from '@retain/masks';
import type { StrategyState } from '../framework/strategy.js';
import { StrategyStateError } from '../framework/strategy-errors.js';
import type { OwnedValues } from './effective-weights.js';
import { entryBits, restoreValues } from './quantized-record.js';
import type { FrozenTaskRecord } from './subnetwork-store.js';

/** A frozen task: its store record plus the values its codes restore, by kernel name. */
export interface FrozenTask extends FrozenTaskRecord {
  readonly restored: ReadonlyMap<string, OwnedValues>;
}

/**
 * Task `taskId` (ownership id `ownerId`) read from a checkpoint's decoded
 * store `store` (blob `blob` of `state`): its codes must cover exactly the
 * slots the checkpoint's ownership claims (`ownership/claim/<id>/<kernel>`
 * blobs of MaskStrategy), at the claimed width, and restore; otherwise
 * StrategyStateError naming the blob.
 */
export function readFrozenTask(state: StrategyState, blob: string, store: SubnetworkStore, taskId: number, ownerId: number, kernels: readonly Parameter[]): FrozenTask {
  const field = `blobs["${blob}"]`;
  const record = store.task(ownerId);
  const restored = new Map<string, OwnedValues>();
  for (const p of kernels) {
    const claim = store.ownership.claimOf(ownerId, p.name);
    const bytes = state.blobs[`ownership/claim/${ownerId}/${p.name}`];
    const slots = bytes instanceof Uint8Array ? decodeMask(bytes) : undefined;
    if ((claim === undefined) !== (slots === undefined) || (claim !== undefined && slots !== undefined && !claim.slots.equals(slots))) {
      throw new StrategyStateError(field, `task ${taskId}'s slots of ${p.name} differ from the checkpoint's claims`);
    }
    const entry = record.quantization.get(p.name);
    if ((claim === undefined) !== (entry === undefined)) throw new StrategyStateError(field, `task ${taskId} has claims without codes (or codes without claims) in ${p.name}`);
    if (claim === undefined || entry === undefined) continue;
    if (entryBits(entry) !== claim.bits) throw new StrategyStateError(field, `task ${taskId} claims ${claim.bits} bits of ${p.name} but stores ${entryBits(entry)}-bit codes`);
    try {
      restored.set(p.name, { ownerId, slots: claim.slots, values: restoreValues(entry, claim.slots) });
    } catch (error) {
      throw new StrategyStateError(field, `task ${taskId}, ${p.name}: ${(error as Error).message}`);
    }
  }
  return { taskId, ownerId, entries: record.quantization, restored, heads: record.heads, batchNorm: record.batchNorm, metadata: record.metadata ?? null };
}
