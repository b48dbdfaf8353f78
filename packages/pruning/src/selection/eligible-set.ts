import { InvalidArgumentError } from '@retain/core';
import { LengthMismatchError } from '../errors/pruning-errors.js';

/**
 * The weights a selection may choose from (the weights the current task may use).
 *
 * - `Uint8Array` or `Float32Array`: a 0/1 mask with one entry per weight (1 = eligible);
 *   any other value is an error.
 * - `Uint32Array`, `Int32Array` or `number[]`: a list of distinct weight indices in [0, n),
 *   in any order.
 * - `undefined`: every weight is eligible.
 *
 * The array type decides the reading: a `Float32Array` is always a mask, never a list.
 */
export type EligibleSet = Uint8Array | Float32Array | Uint32Array | Int32Array | readonly number[] | undefined;

/** Whether `eligible` is a 0/1 mask (as opposed to an index list or `undefined`). */
export function isEligibleMask(eligible: EligibleSet): eligible is Uint8Array | Float32Array {
  return eligible instanceof Uint8Array || eligible instanceof Float32Array;
}

/**
 * An index list checked against `length` weights (integers in [0, length),
 * distinct) and returned ascending. `field` names the argument in errors.
 */
export function checkedIndexList(list: Uint32Array | Int32Array | readonly number[], length: number, field: string): Uint32Array {
  return indicesOfList(list, length, field);
}

/** Throws unless `mask` has `length` entries. Its values are checked where it is read. */
export function checkMaskLength(mask: Uint8Array | Float32Array, length: number, field: string): void {
  if (mask.length !== length) throw new LengthMismatchError(field, length, mask.length);
}

function indicesOfList(list: Uint32Array | Int32Array | readonly number[], length: number, field: string): Uint32Array {
  const out = new Uint32Array(list.length);
  let ascending = true;
  for (let i = 0; i < list.length; i++) {
    const index = list[i] as number;
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new InvalidArgumentError(`${field}[${i}]`, index, `a weight index, an integer in [0, ${length})`);
    }
    out[i] = index;
    if (i > 0 && index <= (out[i - 1] as number)) ascending = false;
  }
  if (!ascending) {
    out.sort();
    for (let i = 1; i < out.length; i++) {
      if (out[i] === out[i - 1]) throw new InvalidArgumentError(field, out[i], 'distinct weight indices (this one is listed twice)');
    }
  }
  return out;
}
