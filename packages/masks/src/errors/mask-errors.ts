import { RetainError } from '@retain/core';

/** A code given to {@link packCodes} does not fit in the requested bit width. */
export class CodeRangeError extends RetainError {
  /** Position of the first offending code. */
  readonly index: number;
  /** The offending code. */
  readonly value: number;
  /** The bit width the codes were packed at. */
  readonly bits: number;

  constructor(index: number, value: number, bits: number) {
    super(
      'ERR_CODE_RANGE',
      `codes[${index}] = ${String(value)}: expected an integer in [0, ${2 ** bits - 1}] for ${bits}-bit codes`,
    );
    this.index = index;
    this.value = value;
    this.bits = bits;
  }
}

/** An encoded mask (see {@link encodeMask}) is malformed: wrong flag, truncated payload, bad count. */
export class MaskCodingError extends RetainError {
  /** What is wrong, in words. */
  readonly reason: string;

  constructor(reason: string) {
    super('ERR_MASK_CODING', `encoded mask: ${reason}`);
    this.reason = reason;
  }
}

/**
 * A claim asked for more bits of a weight slot than are left (the 32 bits of
 * a slot are shared by the tasks holding it), or for a slot the task already
 * holds.
 */
export class CapacityConflictError extends RetainError {
  /** The claiming task. */
  readonly taskId: number;
  /** The parameter tensor. */
  readonly tensor: string;
  /** The first slot (flat index in the tensor) that could not be claimed. */
  readonly slot: number;
  /** Bits the task asked for in that slot. */
  readonly bitsRequested: number;
  /** Bits of the slot still free. */
  readonly bitsFree: number;
  /** Tasks holding bits of that slot, ascending. */
  readonly holders: readonly number[];

  constructor(taskId: number, tensor: string, slot: number, bitsRequested: number, bitsFree: number, holders: readonly number[]) {
    const why = holders.includes(taskId)
      ? `task ${taskId} already holds bits of this slot`
      : `only ${bitsFree} of 32 bit(s) free (held by task(s) ${holders.join(', ') || 'none'})`;
    super(
      'ERR_CAPACITY_CONFLICT',
      `task ${taskId} cannot claim ${bitsRequested} bit(s) of ${tensor}[${slot}]: ${why}`,
    );
    this.taskId = taskId;
    this.tensor = tensor;
    this.slot = slot;
    this.bitsRequested = bitsRequested;
    this.bitsFree = bitsFree;
    this.holders = holders;
  }
}

/**
 * A task's own mask (WSN-style) selects a weight that no task up to and
 * including it has claimed: that weight is still trainable by later tasks, so
 * using it would let the task forget.
 */
export class MaskOwnershipError extends RetainError {
  /** The task whose mask is being set. */
  readonly taskId: number;
  /** The parameter tensor. */
  readonly tensor: string;
  /** The first offending slot. */
  readonly slot: number;

  constructor(taskId: number, tensor: string, slot: number) {
    super(
      'ERR_MASK_UNCLAIMED',
      `mask of task ${taskId} selects ${tensor}[${slot}], which no task <= ${taskId} has claimed (it could change later)`,
    );
    this.taskId = taskId;
    this.tensor = tensor;
    this.slot = slot;
  }
}

/** A task cannot be released because another task's own mask uses weights it holds. */
export class ReleaseBlockedError extends RetainError {
  /** The task asked to be released. */
  readonly taskId: number;
  /** A task whose mask depends on it. */
  readonly dependentTaskId: number;
  /** The parameter tensor. */
  readonly tensor: string;
  /** The first shared slot. */
  readonly slot: number;

  constructor(taskId: number, dependentTaskId: number, tensor: string, slot: number) {
    super(
      'ERR_RELEASE_BLOCKED',
      `cannot release task ${taskId}: the mask of task ${dependentTaskId} uses ${tensor}[${slot}], which task ${taskId} holds`,
    );
    this.taskId = taskId;
    this.dependentTaskId = dependentTaskId;
    this.tensor = tensor;
    this.slot = slot;
  }
}
