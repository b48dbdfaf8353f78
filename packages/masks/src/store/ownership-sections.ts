import type { BitMask } from '../bits/bit-mask.js';
import { ClaimCoding, decodeClaim, encodeClaim, type ClaimCodingId } from '../coding/claim-coding.js';
import { decodeMask, encodeMask, type EncodeMaskOptions } from '../coding/mask-coding.js';
import { ClaimHistory } from '../ownership/claim-history.js';
import type { OwnershipMap, ParameterTensorSpec } from '../ownership/ownership-map.js';
import { ByteRangeError, type ByteReader, type ByteWriter } from './byte-io.js';

/** One tensor's claim as read from a claims section. */
export interface DecodedClaim {
  readonly tensorIndex: number;
  readonly tensor: string;
  readonly bits: number;
  readonly slots: BitMask;
}

/** One tensor's claim as read from a claims section, before the claims it was coded against are known. */
export interface PendingClaim {
  readonly tensorIndex: number;
  readonly tensor: string;
  readonly bits: number;
  readonly coding: ClaimCodingId;
  /** The coded claim (empty when `slots` is already decoded). */
  readonly payload: Uint8Array;
  /** The claimed slots, when the entry is self-contained (version 1, or {@link ClaimCoding.Independent}). */
  readonly slots?: BitMask;
}

/** One tensor's own mask as read from a masks section. */
export interface DecodedMask {
  readonly tensorIndex: number;
  readonly tensor: string;
  readonly mask: BitMask;
}

function tensorSize(spec: ParameterTensorSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

/**
 * Writes the claims of `taskId`: u32 entry count, then per claimed tensor.
 * Version 1: u32 tensor index, u8 bits, u32 encoded-mask length, the encoded
 * mask of the claimed slots. Version 2: u32 tensor index, u8 bits, u8 claim
 * coding ({@link ClaimCoding}), u32 payload length, payload, coded against
 * `histories` (the claims of the lower task ids, by tensor index), which this
 * function then extends with the task's claims. Bit offsets are not stored:
 * they follow from the claims (stacked in ascending task id). Returns the
 * number of entries.
 */
export function writeClaims(w: ByteWriter, ownership: OwnershipMap, taskId: number, maskOptions: EncodeMaskOptions, version: number, histories: ClaimHistory[]): number {
  const claims = ownership.tensors.flatMap((t, index) => {
    const claim = ownership.claimOf(taskId, t.name);
    return claim === undefined ? [] : [{ index, claim }];
  });
  w.u32(claims.length);
  for (const { index, claim } of claims) {
    w.u32(index);
    w.u8(claim.bits);
    const history = histories[index] as ClaimHistory;
    if (version === 1) {
      const encoded = encodeMask(claim.slots, maskOptions);
      w.u32(encoded.length);
      w.bytes(encoded);
    } else {
      const coded = encodeClaim(history, claim.slots, claim.bits, maskOptions);
      w.u8(coded.coding);
      w.u32(coded.payload.length);
      w.bytes(coded.payload);
    }
    history.record(claim.slots, claim.bits);
  }
  return claims.length;
}

/** One empty {@link ClaimHistory} per tensor. */
export function emptyHistories(tensors: readonly ParameterTensorSpec[]): ClaimHistory[] {
  return tensors.map((t) => new ClaimHistory(tensorSize(t)));
}

/** Reads a u32 tensor index; indices must be in range and strictly ascending within a section. */
export function readTensorIndex(r: ByteReader, tensors: readonly ParameterTensorSpec[], previous: number): { index: number; spec: ParameterTensorSpec } {
  const index = r.u32();
  const spec = tensors[index];
  if (spec === undefined) throw new ByteRangeError(`tensor index ${index} out of range (${tensors.length} tensors)`);
  if (index <= previous) throw new ByteRangeError(`tensor index ${index} repeated or out of order`);
  return { index, spec };
}

function readCodedMask(r: ByteReader, spec: ParameterTensorSpec, component: 'ownership' | 'masks'): BitMask {
  const length = r.u32();
  const mask = decodeMask(r.raw(length, component));
  if (mask.length !== tensorSize(spec)) throw new ByteRangeError(`mask of ${mask.length} weights for ${spec.name}, which has ${tensorSize(spec)}`);
  return mask;
}

/**
 * Reads the entries of a claims section (format `version`) without decoding
 * the claims that depend on lower tasks' claims: see {@link decodeClaimSections}.
 * Version-1 entries (and version-2 entries coded independently) are decoded here.
 */
export function readClaims(r: ByteReader, tensors: readonly ParameterTensorSpec[], version: number): PendingClaim[] {
  const count = r.u32();
  const out: PendingClaim[] = [];
  let previous = -1;
  for (let k = 0; k < count; k++) {
    const { index: tensorIndex, spec } = readTensorIndex(r, tensors, previous);
    previous = tensorIndex;
    const bits = r.u8();
    if (bits < 1 || bits > 32) throw new ByteRangeError(`claim width ${bits} outside 1..32`);
    const coding = version === 1 ? ClaimCoding.Independent : r.u8();
    if (coding !== ClaimCoding.Independent && coding !== ClaimCoding.Sequential && coding !== ClaimCoding.CandidateRaw && coding !== ClaimCoding.SequentialNeighbours) {
      throw new ByteRangeError(`unknown claim coding ${coding} for ${spec.name}`);
    }
    if (coding === ClaimCoding.Independent) {
      out.push({ tensorIndex, tensor: spec.name, bits, coding, payload: new Uint8Array(0), slots: readCodedMask(r, spec, 'ownership') });
    } else {
      const length = r.u32();
      out.push({ tensorIndex, tensor: spec.name, bits, coding, payload: r.raw(length, 'ownership') });
    }
  }
  return out;
}

/** Whether a claims section needs the lower tasks' claims to be decoded. */
export function dependsOnEarlierClaims(claims: readonly PendingClaim[]): boolean {
  return claims.some((c) => c.slots === undefined);
}

/**
 * Decodes claims sections in ascending task id (each task's entries as
 * {@link readClaims} returned them), replaying every claim into one
 * {@link ClaimHistory} per tensor so that each sequentially coded claim is
 * decoded against exactly the claims its encoder saw. `sections` must hold
 * every claims section of a task id lower than the last one's. A failure
 * names the section (`fail(label, reason)` builds the error).
 */
export function decodeClaimSections(
  sections: readonly { readonly taskId: number; readonly label: string; readonly claims: readonly PendingClaim[] }[],
  tensors: readonly ParameterTensorSpec[],
  fail: (label: string, reason: string, cause: unknown) => Error,
): Map<number, DecodedClaim[]> {
  const histories = emptyHistories(tensors);
  const out = new Map<number, DecodedClaim[]>();
  for (const section of [...sections].sort((a, b) => a.taskId - b.taskId)) {
    const decoded: DecodedClaim[] = [];
    for (const c of section.claims) {
      const history = histories[c.tensorIndex] as ClaimHistory;
      let slots: BitMask;
      try {
        slots = c.slots ?? decodeClaim(history, c.coding, c.payload, c.bits);
      } catch (error) {
        throw fail(section.label, `claim on ${c.tensor}: ${(error as Error).message}`, error);
      }
      const conflict = history.record(slots, c.bits);
      if (conflict >= 0) {
        const left = history.bitsLeft(conflict);
        throw fail(section.label, `task ${section.taskId} cannot claim ${c.bits} bit(s) of ${c.tensor}[${conflict}]: only ${left} of 32 bit(s) free after the lower tasks' claims`, undefined);
      }
      decoded.push({ tensorIndex: c.tensorIndex, tensor: c.tensor, bits: c.bits, slots });
    }
    out.set(section.taskId, decoded);
  }
  return out;
}
/** Writes the own masks of `taskId`: u32 entry count, then per tensor: u32 index, u32 encoded length, encoded mask. */
export function writeMasks(w: ByteWriter, ownership: OwnershipMap, taskId: number, maskOptions: EncodeMaskOptions): number {
  const masks = ownership.tensors.flatMap((t, index) => {
    const mask = ownership.taskMask(taskId, t.name);
    return mask === undefined ? [] : [{ index, mask }];
  });
  w.u32(masks.length);
  for (const { index, mask } of masks) {
    const encoded = encodeMask(mask, maskOptions);
    w.u32(index);
    w.u32(encoded.length);
    w.bytes(encoded);
  }
  return masks.length;
}

/** Reads what {@link writeMasks} wrote. */
export function readMasks(r: ByteReader, tensors: readonly ParameterTensorSpec[]): DecodedMask[] {
  const count = r.u32();
  const out: DecodedMask[] = [];
  let previous = -1;
  for (let k = 0; k < count; k++) {
    const { index: tensorIndex, spec } = readTensorIndex(r, tensors, previous);
    previous = tensorIndex;
    out.push({ tensorIndex, tensor: spec.name, mask: readCodedMask(r, spec, 'masks') });
  }
  return out;
}

