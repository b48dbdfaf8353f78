import { InvalidArgumentError } from '@retain/core';
import type { BitMask } from '../bits/bit-mask.js';
import { SLOT_BITS } from './slot-bits.js';

/** Earlier claims whose yes/no per slot enters the context of the next claim (the most recent ones). */
export const CLAIM_HISTORY_CLAIMS = 3;

/** Holder counts are capped at this - 1 in the context (0..7). */
export const CLAIM_HOLDER_BUCKETS = 8;

/** Number of distinct contexts {@link ClaimHistory.candidates} produces: 8 holder buckets x 2^3 recent claims. */
export const CLAIM_CONTEXTS = CLAIM_HOLDER_BUCKETS << CLAIM_HISTORY_CLAIMS;

const RECENT_MASK = (1 << CLAIM_HISTORY_CLAIMS) - 1;

/** The slots a next claim may take, in ascending slot order, with each one's coding context. */
export interface ClaimCandidates {
  /** Candidate slot indices, ascending. */
  readonly slots: Uint32Array;
  /** Context of each candidate, 0..{@link CLAIM_CONTEXTS} - 1. */
  readonly contexts: Uint8Array;
}

/**
 * What the claims of one tensor made so far (in ascending task id, the order
 * bits are stacked in) say about each slot, as the store's sequential claim
 * coding needs it, encoder and decoder alike: bits used (so which slots can
 * take a b-bit claim at all: used + b <= 32), how many claims hold the slot,
 * and whether each of the last {@link CLAIM_HISTORY_CLAIMS} claims took it.
 */
export class ClaimHistory {
  /** Slots of the tensor. */
  readonly size: number;
  private readonly used: Uint8Array;
  private readonly holders: Uint8Array;
  private readonly recent: Uint8Array;

  /** An empty history (no claim yet) of a tensor of `size` slots. */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError('size', size, 'a non-negative integer');
    this.size = size;
    this.used = new Uint8Array(size);
    this.holders = new Uint8Array(size);
    this.recent = new Uint8Array(size);
  }

  /**
   * The slots a claim of `bits` bits can take (at least `bits` bits left), and
   * each one's context: min(holders, 7) x 8 + the last three claims' yes/no
   * bits (most recent in bit 0).
   */
  candidates(bits: number): ClaimCandidates {
    const limit = SLOT_BITS - bits;
    const { used, holders, recent } = this;
    let count = 0;
    for (let i = 0; i < this.size; i++) if ((used[i] ?? 0) <= limit) count++;
    const slots = new Uint32Array(count);
    const contexts = new Uint8Array(count);
    let k = 0;
    for (let i = 0; i < this.size; i++) {
      if ((used[i] ?? 0) > limit) continue;
      const h = Math.min(holders[i] ?? 0, CLAIM_HOLDER_BUCKETS - 1);
      slots[k] = i;
      contexts[k++] = (h << CLAIM_HISTORY_CLAIMS) | (recent[i] ?? 0);
    }
    return { slots, contexts };
  }

  /** Bits of slot `i` no claim holds yet. */
  bitsLeft(i: number): number {
    return SLOT_BITS - (this.used[i] ?? 0);
  }

  /**
   * Adds a claim of `bits` bits on `slots`. Returns the first slot that had
   * fewer than `bits` bits left (the claim is then not recorded), or -1.
   */
  record(slots: BitMask, bits: number): number {
    if (slots.length !== this.size) throw new InvalidArgumentError('slots.length', slots.length, `${this.size}`);
    const limit = SLOT_BITS - bits;
    const { used, holders, recent } = this;
    let conflict = -1;
    slots.forEachSet((i) => {
      if (conflict < 0 && (used[i] ?? 0) > limit) conflict = i;
    });
    if (conflict >= 0) return conflict;
    for (let i = 0; i < this.size; i++) recent[i] = ((recent[i] ?? 0) << 1) & RECENT_MASK;
    slots.forEachSet((i) => {
      used[i] = (used[i] ?? 0) + bits;
      holders[i] = Math.min(255, (holders[i] ?? 0) + 1);
      recent[i] = (recent[i] ?? 0) | 1;
    });
    return -1;
  }
}
