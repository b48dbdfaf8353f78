import { InvalidArgumentError } from '@retain/core';
import { SLOT_BITS, type BitMask, type OwnershipMap } from '@retain/masks';
import type { AdaQPacknetLayerReport } from './task-report.js';

/**
 * Capacity of the tracked kernels (all of them together, or one tensor), in
 * bits: every weight is a 32-bit slot, a task that stores b-bit codes in a
 * slot is charged b bits of it (see {@link OwnershipMap}).
 */
export interface CapacitySummary {
  /** Weight slots. */
  readonly slots: number;
  /** slots x 32. */
  readonly totalBits: number;
  /** Bits charged to some task. */
  readonly usedBits: number;
  /** totalBits - usedBits. */
  readonly freeBits: number;
  /** freeBits / totalBits (1 for an empty map; 0 when there are no slots). */
  readonly freeFraction: number;
  /** Slots no task holds any bit of. */
  readonly freeSlots: number;
  /** Slots whose 32 bits are all charged. */
  readonly fullSlots: number;
  /** Slots two or more tasks hold codes in: several tasks' codes share one 32-bit slot. */
  readonly sharedSlots: number;
  /** Slots with at least `reserveBits` bits left: where a next task storing codes of that width could go. */
  readonly reusableSlots: number;
  /** The width `reusableSlots` was counted for. */
  readonly reserveBits: number;
}

function checkReserve(reserveBits: number): void {
  if (!Number.isInteger(reserveBits) || reserveBits < 1 || reserveBits > SLOT_BITS) {
    throw new InvalidArgumentError('reserveBits', reserveBits, `an integer in [1, ${SLOT_BITS}]`);
  }
}

/**
 * The slots task `ownerId` may train and then claim in `tensor` when its codes
 * will be at most `reserveBits` wide: slots with at least `reserveBits` bits
 * left that the task does not hold yet. With `reuseSlots` false only slots no
 * task holds any bit of (PackNet's free weights) are candidates.
 */
export function candidateSlots(ownership: OwnershipMap, ownerId: number, tensor: string, reserveBits: number, reuseSlots: boolean): BitMask {
  checkReserve(reserveBits);
  return ownership.trainable(ownerId, tensor, reuseSlots ? reserveBits : SLOT_BITS);
}

/** How many tasks hold bits of each slot of `tensor`. */
export function holdersPerSlot(ownership: OwnershipMap, tensor: string): Uint8Array {
  const out = new Uint8Array(ownership.size(tensor));
  for (const t of ownership.taskIds()) {
    ownership.claimOf(t, tensor)?.slots.forEachSet((i) => {
      out[i] = (out[i] ?? 0) + 1;
    });
  }
  return out;
}

/** The capacity of `tensors` (default: every tensor of the map) summed, with slots able to take `reserveBits` more bits. */
export function summarizeCapacity(ownership: OwnershipMap, reserveBits: number, tensors?: readonly string[]): CapacitySummary {
  checkReserve(reserveBits);
  const names = tensors ?? ownership.tensors.map((t) => t.name);
  let slots = 0;
  let usedBits = 0;
  let freeSlots = 0;
  let fullSlots = 0;
  let sharedSlots = 0;
  let reusableSlots = 0;
  for (const name of names) {
    const used = ownership.bitsUsed(name);
    const holders = holdersPerSlot(ownership, name);
    slots += used.length;
    for (let i = 0; i < used.length; i++) {
      const u = used[i] ?? 0;
      usedBits += u;
      if (u === 0) freeSlots++;
      if (u === SLOT_BITS) fullSlots++;
      if (SLOT_BITS - u >= reserveBits) reusableSlots++;
      if ((holders[i] ?? 0) >= 2) sharedSlots++;
    }
  }
  const totalBits = slots * SLOT_BITS;
  return {
    slots,
    totalBits,
    usedBits,
    freeBits: totalBits - usedBits,
    freeFraction: totalBits === 0 ? 0 : (totalBits - usedBits) / totalBits,
    freeSlots,
    fullSlots,
    sharedSlots,
    reusableSlots,
    reserveBits,
  };
}

/**
 * The bit ranges each task holds in each slot of `tensor`, as 32-bit words
 * (bit k set = bit k of the slot is charged), computed from the claims'
 * offsets; throws if two tasks' ranges overlap or a range passes bit 31 (the
 * invariant {@link OwnershipMap} keeps). For checks and reports.
 */
export function slotBitmaps(ownership: OwnershipMap, tensor: string): Uint32Array {
  const out = new Uint32Array(ownership.size(tensor));
  for (const t of ownership.taskIds()) {
    const claim = ownership.claimOf(t, tensor);
    if (claim === undefined) continue;
    let k = 0;
    claim.slots.forEachSet((i) => {
      const offset = claim.offsets[k++] ?? 0;
      if (offset + claim.bits > SLOT_BITS) throw new RangeError(`task ${t} holds bits ${offset}..${offset + claim.bits - 1} of ${tensor}[${i}]: past bit ${SLOT_BITS - 1}`);
      const range = claim.bits === SLOT_BITS ? 0xffffffff : (((1 << claim.bits) - 1) << offset) >>> 0;
      if (((out[i] ?? 0) & range) !== 0) throw new RangeError(`task ${t} holds bits of ${tensor}[${i}] another task holds`);
      out[i] = ((out[i] ?? 0) | range) >>> 0;
    });
  }
  return out;
}


/** One kernel a task freezes: its candidate and kept slots and the kept fraction it trained with. */
export interface KernelClaim {
  readonly name: string;
  readonly candidates: BitMask | undefined;
  readonly kept: BitMask;
  readonly keepFraction: number;
}

/**
 * Task `ownerId` claims its kept slots of every kernel at `bits` bits each;
 * returns the per-layer report (candidates, kept, sparsity, kept slots some
 * earlier task holds codes in) and the bits charged in all.
 */
export function claimKeptSlots(ownership: OwnershipMap, ownerId: number, kernels: readonly KernelClaim[], bits: number): { layers: Record<string, AdaQPacknetLayerReport>; bitsCharged: number } {
  const earlierHolders = new Map(kernels.map((k) => [k.name, holdersPerSlot(ownership, k.name)]));
  const layers: Record<string, AdaQPacknetLayerReport> = {};
  let bitsCharged = 0;
  for (const k of kernels) {
    ownership.claim(ownerId, k.name, k.kept, bits);
    let shared = 0;
    const holders = earlierHolders.get(k.name) as Uint8Array;
    k.kept.forEachSet((i) => {
      if ((holders[i] ?? 0) > 0) shared++;
    });
    layers[k.name] = { candidates: k.candidates?.popcount() ?? 0, kept: k.kept.popcount(), sparsity: 1 - k.keepFraction, sharedWithEarlier: shared };
    bitsCharged += bits * k.kept.popcount();
  }
  return { layers, bitsCharged };
}
