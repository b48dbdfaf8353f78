import type { BitMask } from '../bits/bit-mask.js';
import { decodeMask, encodeMask, type EncodeMaskOptions } from '../coding/mask-coding.js';
import type { OwnershipMap, ParameterTensorSpec } from '../ownership/ownership-map.js';
import { ByteRangeError, type ByteReader, type ByteWriter } from './byte-io.js';

/** One tensor's claim as read from a claims section. */
export interface DecodedClaim {
  readonly tensorIndex: number;
  readonly tensor: string;
  readonly bits: number;
  readonly slots: BitMask;
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
 * Writes the claims of `taskId`: u32 entry count, then per claimed tensor:
 * u32 tensor index, u8 bits, u32 encoded-mask length, the encoded mask of the
 * claimed slots. Bit offsets are not stored: they follow from the claims
 * (stacked in ascending task id). Returns the number of entries.
 */
export function writeClaims(w: ByteWriter, ownership: OwnershipMap, taskId: number, maskOptions: EncodeMaskOptions): number {
  const claims = ownership.tensors.flatMap((t, index) => {
    const claim = ownership.claimOf(taskId, t.name);
    return claim === undefined ? [] : [{ index, claim }];
  });
  w.u32(claims.length);
  for (const { index, claim } of claims) {
    const encoded = encodeMask(claim.slots, maskOptions);
    w.u32(index);
    w.u8(claim.bits);
    w.u32(encoded.length);
    w.bytes(encoded);
  }
  return claims.length;
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

/** Reads what {@link writeClaims} wrote. */
export function readClaims(r: ByteReader, tensors: readonly ParameterTensorSpec[]): DecodedClaim[] {
  const count = r.u32();
  const out: DecodedClaim[] = [];
  let previous = -1;
  for (let k = 0; k < count; k++) {
    const { index: tensorIndex, spec } = readTensorIndex(r, tensors, previous);
    previous = tensorIndex;
    const bits = r.u8();
    if (bits < 1 || bits > 32) throw new ByteRangeError(`claim width ${bits} outside 1..32`);
    const slots = readCodedMask(r, spec, 'ownership');
    out.push({ tensorIndex, tensor: spec.name, bits, slots });
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

