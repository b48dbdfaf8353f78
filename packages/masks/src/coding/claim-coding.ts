import { InvalidArgumentError } from '@retain/core';
import { BitMask } from '../bits/bit-mask.js';
import { MaskCodingError } from '../errors/mask-errors.js';
import { CLAIM_CONTEXTS, type ClaimHistory } from '../ownership/claim-history.js';
import { ContextModel, RangeDecoder, RangeEncoder } from './binary-range-coder.js';
import { decodeMask, encodeMask, type EncodeMaskOptions } from './mask-coding.js';

/** How one claim is coded in a version-2 claims section (the u8 after the width). */
export const ClaimCoding = {
  /** A self-contained encoded mask over every slot ({@link encodeMask}), as in version 1. */
  Independent: 0,
  /** Range-coded over the candidate slots only, in the context of the earlier claims ({@link ClaimHistory}). */
  Sequential: 1,
  /** Bit-packed over the candidate slots only: bit k = k-th candidate. */
  CandidateRaw: 2,
  /**
   * As {@link ClaimCoding.Sequential}, the context also holding the claim's
   * own last two decisions (previous candidates): for claims with runs, such
   * as whole neurons kept or pruned, and for 32-bit claims, whose candidates
   * (free slots) have no earlier holder to condition on.
   */
  SequentialNeighbours: 3,
} as const;

/** Previous decisions of the claim itself in the context of {@link ClaimCoding.SequentialNeighbours}. */
export const NEIGHBOUR_CONTEXT_BITS = 2;

function neighbourBits(coding: number): number {
  return coding === ClaimCoding.SequentialNeighbours ? NEIGHBOUR_CONTEXT_BITS : 0;
}

/** One of {@link ClaimCoding}'s values. */
export type ClaimCodingId = (typeof ClaimCoding)[keyof typeof ClaimCoding];

/** A coded claim: how, and the bytes. */
export interface CodedClaim {
  readonly coding: ClaimCodingId;
  readonly payload: Uint8Array;
}

function sequentialPayload(slots: BitMask, candidates: Uint32Array, contexts: Uint8Array, count: number, own: number): Uint8Array {
  const model = new ContextModel(CLAIM_CONTEXTS << own);
  const ownMask = (1 << own) - 1;
  const encoder = new RangeEncoder(candidates.length);
  let history = 0;
  for (let k = 0; k < candidates.length; k++) {
    const bit = slots.get(candidates[k] ?? 0) ? 1 : 0;
    const ctx = ((contexts[k] ?? 0) << own) | (history & ownMask);
    encoder.encode(bit, model.p0(ctx));
    model.update(ctx, bit);
    history = (history << 1) | bit;
  }
  const coded = encoder.finish();
  const out = new Uint8Array(4 + coded.length);
  new DataView(out.buffer).setUint32(0, count, true);
  out.set(coded, 4);
  return out;
}

function candidateRawPayload(slots: BitMask, candidates: Uint32Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(candidates.length / 8));
  for (let k = 0; k < candidates.length; k++) if (slots.get(candidates[k] ?? 0)) out[k >>> 3] = (out[k >>> 3] ?? 0) | (1 << (k & 7));
  return out;
}

/**
 * Codes the claim `slots` (at `bits` bits per slot) of one tensor given the
 * claims before it (`history`, not changed). `auto` (default) keeps the
 * smallest of the four codings; `range` the smaller of the two range-coded
 * ones ({@link ClaimCoding.Sequential}, {@link ClaimCoding.SequentialNeighbours}),
 * `raw` {@link ClaimCoding.CandidateRaw}. A claim that takes a slot with fewer
 * than `bits` bits left can only be coded {@link ClaimCoding.Independent}.
 */
export function encodeClaim(history: ClaimHistory, slots: BitMask, bits: number, options: EncodeMaskOptions = {}): CodedClaim {
  if (slots.length !== history.size) throw new InvalidArgumentError('slots.length', slots.length, `${history.size} (the history's slots)`);
  const coding = options.coding ?? 'auto';
  const independent = (): CodedClaim => ({ coding: ClaimCoding.Independent, payload: encodeMask(slots, options) });
  const { slots: candidates, contexts } = history.candidates(bits);
  let inside = 0;
  for (const i of candidates) if (slots.get(i)) inside++;
  const count = slots.popcount();
  if (inside !== count) return independent();
  const raw = (): CodedClaim => ({ coding: ClaimCoding.CandidateRaw, payload: candidateRawPayload(slots, candidates) });
  const sequential = (id: typeof ClaimCoding.Sequential | typeof ClaimCoding.SequentialNeighbours): CodedClaim => ({
    coding: id,
    payload: sequentialPayload(slots, candidates, contexts, count, neighbourBits(id)),
  });
  if (coding === 'raw') return raw();
  const ranged = [sequential(ClaimCoding.Sequential), sequential(ClaimCoding.SequentialNeighbours)];
  const pool = coding === 'range' ? ranged : [raw(), ...ranged, independent()];
  return pool.reduce((best, c) => (c.payload.length < best.payload.length ? c : best));
}

/**
 * Decodes what {@link encodeClaim} made, given the same `history` (the
 * claims before this one, not changed). Throws {@link MaskCodingError} on a
 * malformed payload (wrong length, truncated, count mismatch).
 */
export function decodeClaim(history: ClaimHistory, coding: number, payload: Uint8Array, bits: number): BitMask {
  if (coding === ClaimCoding.Independent) {
    const mask = decodeMask(payload);
    if (mask.length !== history.size) throw new MaskCodingError(`mask of ${mask.length} weights for a tensor of ${history.size}`);
    return mask;
  }
  const { slots: candidates, contexts } = history.candidates(bits);
  const mask = new BitMask(history.size);
  if (coding === ClaimCoding.CandidateRaw) {
    const expected = Math.ceil(candidates.length / 8);
    if (payload.length !== expected) throw new MaskCodingError(`candidate bit-packed claim of ${payload.length} bytes, expected ${expected} for ${candidates.length} candidate slots`);
    for (let k = 0; k < candidates.length; k++) if ((((payload[k >>> 3] ?? 0) >>> (k & 7)) & 1) === 1) mask.set(candidates[k] ?? 0, true);
    if (candidates.length & 7 && (payload[payload.length - 1] ?? 0) >>> (candidates.length & 7) !== 0) throw new MaskCodingError('candidate bit-packed claim has bits set past the last candidate');
    return mask;
  }
  if (coding === ClaimCoding.Sequential || coding === ClaimCoding.SequentialNeighbours) {
    const own = neighbourBits(coding);
    const ownMask = (1 << own) - 1;
    let history = 0;
    if (payload.length < 4) throw new MaskCodingError(`sequential claim of ${payload.length} bytes is shorter than its 4-byte count`);
    const count = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
    if (count > candidates.length) throw new MaskCodingError(`sequential claim of ${count} slots, but only ${candidates.length} slots can take ${bits} bits`);
    const decoder = new RangeDecoder(payload.subarray(4));
    const model = new ContextModel(CLAIM_CONTEXTS << own);
    let ones = 0;
    for (let k = 0; k < candidates.length; k++) {
      const ctx = ((contexts[k] ?? 0) << own) | (history & ownMask);
      const bit = decoder.decode(model.p0(ctx));
      model.update(ctx, bit);
      history = (history << 1) | bit;
      if (bit === 1) {
        mask.set(candidates[k] ?? 0, true);
        ones++;
      }
    }
    decoder.end();
    if (ones !== count) throw new MaskCodingError(`decoded ${ones} claimed slots, the claim says ${count}`);
    return mask;
  }
  throw new MaskCodingError(`unknown claim coding ${coding}`);
}
