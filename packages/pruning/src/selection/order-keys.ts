import { InvalidArgumentError } from '@retain/core';
import { NaNValueError } from '../errors/pruning-errors.js';

/**
 * How values are ranked: `magnitude` by |v| (pruning keeps the largest |w|),
 * `value` by the signed value (largest first).
 */
export type RankBy = 'magnitude' | 'value';

/** Clears the sign bit: the float32 bits of |v|, whose unsigned order is the order of |v|. */
export const MAGNITUDE_KEY_MASK = 0x7fffffff;
/** Float32 bits of +Infinity; |v| bits above it are NaN. */
export const INFINITY_BITS = 0x7f800000;
const SIGN_BIT = 0x80000000;

/** The float32 bits of `values`, without a copy. */
export function floatBits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/**
 * The unsigned key of float bits `b` under `rankBy`, or -1 for NaN. Magnitude:
 * the bits with the sign cleared. Value: the usual IEEE-754 sign flip, with -0
 * folded onto +0. Either way the largest key is 0xff800000 (+Infinity), so
 * key + 1 still fits in 32 bits.
 */
function keyOf(b: number, rankBy: RankBy): number {
  const abs = b & MAGNITUDE_KEY_MASK;
  if (abs > INFINITY_BITS) return -1;
  if (rankBy === 'magnitude') return abs;
  // Non-negative floats order like their bits, negative ones in reverse: flip so both
  // halves line up above/below 2^31.
  return abs === 0 ? SIGN_BIT : b & SIGN_BIT ? ~b >>> 0 : (b | SIGN_BIT) >>> 0;
}

/**
 * Signed-order keys of the positions in `indices` (all when null); the rest are
 * 0. Throws {@link NaNValueError} at the first NaN among them.
 */
export function signedOrderKeys(values: Float32Array, indices: Uint32Array | null, field: string): Uint32Array {
  const bits = floatBits(values);
  const keys = new Uint32Array(values.length);
  const count = indices === null ? values.length : indices.length;
  for (let j = 0; j < count; j++) {
    const i = indices === null ? j : (indices[j] as number);
    const key = keyOf(bits[i] as number, 'value');
    if (key < 0) throw new NaNValueError(field, i);
    keys[i] = key;
  }
  return keys;
}

/**
 * Keys for a 0/1 eligibility mask in one dense pass: key + 1 where the mask is
 * 1, 0 where it is 0, so that ineligible positions rank below every eligible
 * one. Checks the mask values (InvalidArgumentError) and the eligible values
 * (NaNValueError); returns the keys and the eligible count.
 */
export function maskedOrderKeys(
  values: Float32Array,
  mask: Uint8Array | Float32Array,
  rankBy: RankBy,
  field: string,
  maskField: string,
): { keys: Uint32Array; eligibleCount: number } {
  const bits = floatBits(values);
  const keys = new Uint32Array(values.length);
  const n = values.length;
  let eligibleCount = 0;
  // Branch-free on the mask (random masks defeat branch prediction): `& -m` keeps the key
  // where m = 1 and zeroes it where m = 0. The checks never fire on valid input.
  if (rankBy === 'magnitude') {
    for (let i = 0; i < n; i++) {
      const m = mask[i] as number;
      if (m * (1 - m) !== 0 || m !== m) throw new InvalidArgumentError(`${maskField}[${i}]`, m, '0 or 1 (a 0/1 mask)');
      const abs = (bits[i] as number) & MAGNITUDE_KEY_MASK;
      if (abs > INFINITY_BITS && m === 1) throw new NaNValueError(field, i);
      keys[i] = (abs + 1) & -m;
      eligibleCount += m;
    }
    return { keys, eligibleCount };
  }
  for (let i = 0; i < n; i++) {
    const m = mask[i] as number;
    if (m * (1 - m) !== 0 || m !== m) throw new InvalidArgumentError(`${maskField}[${i}]`, m, '0 or 1 (a 0/1 mask)');
    const key = keyOf(bits[i] as number, 'value');
    if (key < 0 && m === 1) throw new NaNValueError(field, i);
    keys[i] = (key + 1) & -m;
    eligibleCount += m;
  }
  return { keys, eligibleCount };
}
