import { InvalidArgumentError } from '@retain/core';
import { BitMask } from '../bits/bit-mask.js';
import { CapacityConflictError, MaskOwnershipError, ReleaseBlockedError } from '../errors/mask-errors.js';
import { SLOT_BITS } from './slot-bits.js';

/** Largest task id: owners are stored as Uint16Array, 0 meaning free. */
export const MAX_TASK_ID = 0xffff;

/** A named parameter tensor whose weights the map tracks, one 32-bit slot per weight. */
export interface ParameterTensorSpec {
  /** Unique name, e.g. `dense_1/kernel`. */
  readonly name: string;
  /** Shape; the tensor has prod(shape) weight slots. */
  readonly shape: readonly number[];
}

/**
 * Which weights a task sees at inference:
 * - `nested` (PackNet, Ada-QPacknet): every weight claimed by tasks 1..t;
 * - `own-mask` (WSN): the task's own mask (set with {@link OwnershipMap.setTaskMask},
 *   which may reuse earlier tasks' weights) plus the weights it claimed itself.
 */
export type VisibilityMode = 'nested' | 'own-mask';

/** What one task holds in one tensor. */
export interface TaskClaim {
  /** The task. */
  readonly taskId: number;
  /** The tensor. */
  readonly tensor: string;
  /** Bits the task holds in each claimed slot (32 for a float weight, b for b-bit codes). */
  readonly bits: number;
  /** The claimed slots. */
  readonly slots: BitMask;
  /**
   * Bit offset of the task's bits inside each claimed slot, in ascending slot
   * order (one per claimed slot). Derived, never stored: inside a slot, the
   * holders' bit ranges are stacked from bit 0 in ascending task id.
   */
  readonly offsets: Uint8Array;
}

/** Capacity of one tensor, in bits. */
export interface TensorCapacity {
  /** The tensor. */
  readonly tensor: string;
  /** Weight slots. */
  readonly slots: number;
  /** slots x 32. */
  readonly totalBits: number;
  /** Bits held by any task. */
  readonly usedBits: number;
  /** Slots with no bit held. */
  readonly freeSlots: number;
  /** Slots with all 32 bits held. */
  readonly fullSlots: number;
  /** Bits charged to each task (bits x claimed slots), by task id. */
  readonly bitsByTask: ReadonlyMap<number, number>;
}

interface ClaimRecord {
  readonly bits: number;
  slots: BitMask;
}

interface TensorState {
  readonly spec: ParameterTensorSpec;
  readonly size: number;
  /** Bits held in each slot, 0..32: the sum of the widths of the tasks holding it. */
  readonly used: Uint8Array;
  readonly claims: Map<number, ClaimRecord>;
  readonly masks: Map<number, BitMask>;
}

function checkTaskId(taskId: number): void {
  if (!Number.isInteger(taskId) || taskId < 1 || taskId > MAX_TASK_ID) {
    throw new InvalidArgumentError('taskId', taskId, `an integer in [1, ${MAX_TASK_ID}]`);
  }
}

function checkSlotBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > SLOT_BITS) throw new InvalidArgumentError('bits', bits, `an integer in [1, ${SLOT_BITS}]`);
}

function tensorSize(spec: ParameterTensorSpec, index: number): number {
  if (typeof spec.name !== 'string' || spec.name.length === 0) throw new InvalidArgumentError(`tensors[${index}].name`, spec.name, 'a non-empty string');
  let size = 1;
  for (const d of spec.shape) {
    if (!Number.isInteger(d) || d < 0) throw new InvalidArgumentError(`tensors[${index}].shape`, [...spec.shape], 'non-negative integer dimensions');
    size *= d;
  }
  if (size > 0xffffffff) throw new InvalidArgumentError(`tensors[${index}].shape`, [...spec.shape], 'at most 2^32 - 1 weights');
  return size;
}

/**
 * Who holds which bits of which weight slot, for every parameter tensor of a
 * shared network. Each weight is a 32-bit slot; a task claims `b` bits of a
 * slot (b = 32 for a float weight as in PackNet/WSN, b < 32 for a b-bit code
 * as in Ada-QPacknet, where several tasks' codes share a slot) and is charged
 * b bits. Inside a slot the holders' bit ranges are stacked from bit 0 in
 * ascending task id, so they never overlap and never pass bit 31: a claim
 * that would need more bits than the slot has left is refused with
 * {@link CapacityConflictError} and changes nothing. Task ids are 1..65535.
 */
export class OwnershipMap {
  private readonly states: TensorState[];
  private readonly byName = new Map<string, TensorState>();

  constructor(tensors: readonly ParameterTensorSpec[]) {
    this.states = tensors.map((spec, index) => {
      const size = tensorSize(spec, index);
      if (this.byName.has(spec.name)) throw new InvalidArgumentError(`tensors[${index}].name`, spec.name, 'a name not used by another tensor');
      const state: TensorState = {
        spec: { name: spec.name, shape: [...spec.shape] },
        size,
        used: new Uint8Array(size),
        claims: new Map(),
        masks: new Map(),
      };
      this.byName.set(spec.name, state);
      return state;
    });
  }

  /** The tracked tensors, in the order given. */
  get tensors(): readonly ParameterTensorSpec[] {
    return this.states.map((s) => s.spec);
  }

  private state(tensor: string): TensorState {
    const state = this.byName.get(tensor);
    if (state === undefined) throw new InvalidArgumentError('tensor', tensor, `one of ${[...this.byName.keys()].map((k) => JSON.stringify(k)).join(', ')}`);
    return state;
  }

  private toMask(state: TensorState, field: string, slots: BitMask | ArrayLike<number>): BitMask {
    const mask = slots instanceof BitMask ? slots : BitMask.fromDense(slots);
    if (mask.length !== state.size) throw new InvalidArgumentError(`${field}.length`, mask.length, `${state.size} (the slots of ${state.spec.name})`);
    return mask;
  }

  /** Number of weight slots of `tensor`. */
  size(tensor: string): number {
    return this.state(tensor).size;
  }

  /** Tasks that hold bits or have a mask, ascending. */
  taskIds(): number[] {
    const ids = new Set<number>();
    for (const s of this.states) {
      for (const t of s.claims.keys()) ids.add(t);
      for (const t of s.masks.keys()) ids.add(t);
    }
    return [...ids].sort((a, b) => a - b);
  }

  private sortedClaims(state: TensorState): [number, ClaimRecord][] {
    return [...state.claims.entries()].sort((a, b) => a[0] - b[0]);
  }

  private holders(state: TensorState, slot: number): number[] {
    return this.sortedClaims(state)
      .filter(([, c]) => c.slots.get(slot))
      .map(([t]) => t);
  }

  /** Bits held in each slot, 0..32. */
  bitsUsed(tensor: string): Uint8Array {
    return this.state(tensor).used.slice();
  }

  /** The lowest task id holding bits of each slot (the PackNet owner), 0 where the slot is free. */
  owners(tensor: string): Uint16Array {
    const state = this.state(tensor);
    const out = new Uint16Array(state.size);
    for (const [t, claim] of this.sortedClaims(state).reverse()) {
      claim.slots.forEachSet((i) => {
        out[i] = t;
      });
    }
    return out;
  }

  /**
   * Slots where `taskId` may claim `bits` bits now: at least `bits` bits are
   * left and the task holds none of the slot yet. With bits = 32 these are the
   * untouched (PackNet-free) weights.
   */
  trainable(taskId: number, tensor: string, bits: number): BitMask {
    checkTaskId(taskId);
    checkSlotBits(bits);
    const state = this.state(tensor);
    const own = state.claims.get(taskId)?.slots;
    const out = new BitMask(state.size);
    const limit = SLOT_BITS - bits;
    const used = state.used;
    const words = out.words;
    for (let i = 0; i < state.size; i++) {
      if ((used[i] ?? SLOT_BITS) <= limit) words[i >>> 5] = ((words[i >>> 5] ?? 0) | (1 << (i & 31))) >>> 0;
    }
    return own === undefined ? out : out.andNot(own);
  }

  /** Weights task `taskId` uses at inference, under `mode` (see {@link VisibilityMode}). */
  visible(taskId: number, tensor: string, mode: VisibilityMode): BitMask {
    checkTaskId(taskId);
    const state = this.state(tensor);
    if (mode === 'nested') {
      let out = new BitMask(state.size);
      for (const [t, claim] of state.claims) if (t <= taskId) out = out.or(claim.slots);
      return out;
    }
    if (mode === 'own-mask') {
      const mask = state.masks.get(taskId) ?? new BitMask(state.size);
      const own = state.claims.get(taskId)?.slots;
      return own === undefined ? mask.clone() : mask.or(own);
    }
    throw new InvalidArgumentError('mode', mode, "'nested' or 'own-mask'");
  }

  /**
   * For each slot, the task whose stored value `taskId` uses there (so whose
   * codebook to dequantise with): the latest task <= taskId holding bits of the
   * slot, restricted to the weights visible under `mode`; 0 where not visible.
   */
  ownersVisibleTo(taskId: number, tensor: string, mode: VisibilityMode): Uint16Array {
    const visible = this.visible(taskId, tensor, mode);
    const state = this.state(tensor);
    const out = new Uint16Array(state.size);
    for (const [t, claim] of this.sortedClaims(state)) {
      if (t > taskId) break;
      claim.slots.forEachSet((i) => {
        out[i] = t;
      });
    }
    for (let i = 0; i < state.size; i++) if (!visible.get(i)) out[i] = 0;
    return out;
  }

  /** What `taskId` holds in `tensor` (a copy), or undefined. */
  claimOf(taskId: number, tensor: string): TaskClaim | undefined {
    const state = this.state(tensor);
    const claim = state.claims.get(taskId);
    if (claim === undefined) return undefined;
    // Offset in a slot = bits of the lower task ids holding it.
    const below = new Uint8Array(state.size);
    for (const [t, other] of state.claims) {
      if (t < taskId) other.slots.forEachSet((i) => {
        below[i] = (below[i] ?? 0) + other.bits;
      });
    }
    const offsets = new Uint8Array(claim.slots.popcount());
    let k = 0;
    claim.slots.forEachSet((i) => {
      offsets[k++] = below[i] ?? 0;
    });
    return { taskId, tensor, bits: claim.bits, slots: claim.slots.clone(), offsets };
  }

  /** The own mask of `taskId` in `tensor` (a copy), or undefined if none was set. */
  taskMask(taskId: number, tensor: string): BitMask | undefined {
    return this.state(tensor).masks.get(taskId)?.clone();
  }

  /**
   * Charges `bits` bits of every selected slot to `taskId`. All or nothing: if
   * any selected slot has fewer than `bits` bits left, or the task already
   * holds bits there, throws {@link CapacityConflictError} and changes
   * nothing. A task claims one width per tensor; further claims add slots at
   * the same width. Selecting no slot is a no-op.
   */
  claim(taskId: number, tensor: string, slots: BitMask | ArrayLike<number>, bits: number): void {
    checkTaskId(taskId);
    checkSlotBits(bits);
    const state = this.state(tensor);
    const mask = this.toMask(state, 'slots', slots);
    const existing = state.claims.get(taskId);
    if (existing !== undefined && existing.bits !== bits) {
      throw new InvalidArgumentError('bits', bits, `${existing.bits} (task ${taskId} already claims ${tensor} at ${existing.bits} bits)`);
    }
    if (mask.isEmpty()) return; // nothing claimed: no record, no width fixed
    const used = state.used;
    const limit = SLOT_BITS - bits;
    const fail = (i: number): never => {
      throw new CapacityConflictError(taskId, tensor, i, bits, SLOT_BITS - (used[i] ?? 0), this.holders(state, i));
    };
    if (existing !== undefined) {
      const again = mask.and(existing.slots).firstSet();
      if (again >= 0) fail(again);
    }
    mask.forEachSet((i) => {
      if ((used[i] ?? SLOT_BITS) > limit) fail(i);
    });
    // Every slot checked: apply.
    mask.forEachSet((i) => {
      used[i] = (used[i] ?? 0) + bits;
    });
    if (existing === undefined) state.claims.set(taskId, { bits, slots: mask.clone() });
    else existing.slots = existing.slots.or(mask);
  }

  /**
   * Sets the own mask of `taskId` in `tensor` (WSN): the weights it uses at
   * inference under `own-mask` visibility, besides those it claimed. Every
   * selected weight must be held by some task <= taskId (frozen), or
   * {@link MaskOwnershipError} is thrown; reusing earlier tasks' weights is
   * the point. Replaces any previous mask of the task.
   */
  setTaskMask(taskId: number, tensor: string, mask: BitMask | ArrayLike<number>): void {
    checkTaskId(taskId);
    const state = this.state(tensor);
    const bits = this.toMask(state, 'mask', mask);
    const unclaimed = bits.andNot(this.visible(taskId, tensor, 'nested')).firstSet();
    if (unclaimed >= 0) throw new MaskOwnershipError(taskId, tensor, unclaimed);
    state.masks.set(taskId, bits.clone());
  }

  /**
   * Frees every bit `taskId` holds and drops its masks (e.g. to roll back a
   * trial of a sparsity search). The bit ranges of higher task ids in the
   * freed slots move down (offsets are derived, see {@link TaskClaim.offsets}). Refused with {@link ReleaseBlockedError}, and
   * nothing changes, when another task's own mask uses a slot the task holds.
   * Later tasks that see the task's weights through `nested` visibility are
   * the caller's concern: release the newest task only.
   */
  releaseTask(taskId: number): void {
    checkTaskId(taskId);
    for (const state of this.states) {
      const claim = state.claims.get(taskId);
      if (claim === undefined) continue;
      for (const [other, mask] of [...state.masks.entries()].sort((a, b) => a[0] - b[0])) {
        if (other === taskId) continue;
        const shared = mask.and(claim.slots).firstSet();
        if (shared >= 0) throw new ReleaseBlockedError(taskId, other, state.spec.name, shared);
      }
    }
    for (const state of this.states) {
      const claim = state.claims.get(taskId);
      if (claim !== undefined) {
        const used = state.used;
        claim.slots.forEachSet((i) => {
          used[i] = (used[i] ?? 0) - claim.bits;
        });
        state.claims.delete(taskId);
      }
      state.masks.delete(taskId);
    }
  }

  /** Bits used and free in `tensor`, and the bits charged to each task. */
  capacity(tensor: string): TensorCapacity {
    const state = this.state(tensor);
    let usedBits = 0;
    let freeSlots = 0;
    let fullSlots = 0;
    for (const used of state.used) {
      usedBits += used;
      if (used === 0) freeSlots++;
      if (used === SLOT_BITS) fullSlots++;
    }
    const bitsByTask = new Map<number, number>();
    for (const [t, claim] of this.sortedClaims(state)) bitsByTask.set(t, claim.bits * claim.slots.popcount());
    return { tensor, slots: state.size, totalBits: state.size * SLOT_BITS, usedBits, freeSlots, fullSlots, bitsByTask };
  }

  /** A deep copy. */
  clone(): OwnershipMap {
    const copy = new OwnershipMap(this.tensors);
    for (const state of this.states) {
      for (const [t, claim] of this.sortedClaims(state)) copy.claim(t, state.spec.name, claim.slots, claim.bits);
      for (const [t, mask] of state.masks) copy.state(state.spec.name).masks.set(t, mask.clone());
    }
    return copy;
  }
}
