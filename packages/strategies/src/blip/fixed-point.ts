import { InvalidArgumentError } from '@retain/core';

/**
 * BLIP's fixed-point arithmetic (Shi, Yuan, Chen and Feng, "Continual
 * Learning via Bit-Level Information Preserving", CVPR 2021), as pure
 * functions over typed arrays. A weight w lives in [-bound, bound]; with b
 * frozen bits its grid step is bound * 2^-b, and its value after a sync is
 * round(w / bound * 2^b) / 2^b * bound.
 */

/** BLIP's maximum bits per weight (the paper's N = 20). */
export const BLIP_MAX_BITS = 20;

/** Largest `maxBits` accepted: grid steps stay far above float32 round-off at 24 and below. */
export const BLIP_BITS_LIMIT = 24;

/** The paper's range scale: bound = 6 * sqrt(1 / fan_in). */
export const BLIP_BOUND_SCALE = 6;

/** The weight range of a layer with `fanIn` inputs: `scale * sqrt(1 / fanIn)`. */
export function blipBound(fanIn: number, scale = BLIP_BOUND_SCALE): number {
  if (!(Number.isInteger(fanIn) && fanIn > 0)) throw new InvalidArgumentError('fanIn', fanIn, 'a positive integer');
  if (!(scale > 0 && Number.isFinite(scale))) throw new InvalidArgumentError('boundScale', scale, 'a positive finite number');
  return scale * Math.sqrt(1 / fanIn);
}

/** The grid step of a weight with `bits` frozen bits: bound * 2^-bits (bound itself at 0 bits: the weight moves freely). */
export function gridStep(bound: number, bits: number): number {
  return bound * 2 ** -bits;
}

function checkLengths(field: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new InvalidArgumentError(`${field}.length`, a.length, `${b.length} (one value per weight)`);
}

function clampTo(value: number, bound: number): number {
  return value < -bound ? -bound : value > bound ? bound : value;
}

/**
 * Sync: each weight with b > 0 frozen bits becomes round(w / bound * 2^b) /
 * 2^b * bound, clamped to [-bound, bound]. Weights with 0 frozen bits are
 * only clamped to the range: they hold no earlier task's information and are
 * free for later tasks, so rounding them to {-bound, 0, bound} would only
 * hurt the task just learnt (ours: the paper's rule read literally would
 * round them too). Returns a new array; idempotent.
 *
 * @example
 * quantizeToPrecision(new Float32Array([0.3, 0.3]), new Uint8Array([1, 0]), 1); // [0.5, 0.3]
 */
export function quantizeToPrecision(values: Float32Array, bits: Uint8Array, bound: number): Float32Array {
  checkLengths('bits', bits, values);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const w = clampTo(values[i] as number, bound);
    const b = bits[i] as number;
    if (b === 0) {
      out[i] = w;
      continue;
    }
    const levels = 2 ** b;
    out[i] = clampTo((Math.round((w / bound) * levels) / levels) * bound, bound);
  }
  return out;
}

/** Where each weight may go until the next sync: [max(prev - step, -bound), min(prev + step, bound)], step = bound * 2^-bits. */
export interface ClipWindow {
  readonly lo: Float32Array;
  readonly hi: Float32Array;
}

/**
 * The window a weight may move in while a later task trains: within one grid
 * step of its last synced value `prev` at its frozen precision, and inside
 * the representable range (0 bits: the whole range).
 */
export function clipWindow(prev: Float32Array, bits: Uint8Array, bound: number): ClipWindow {
  checkLengths('bits', bits, prev);
  const lo = new Float32Array(prev.length);
  const hi = new Float32Array(prev.length);
  for (let i = 0; i < prev.length; i++) {
    const p = prev[i] as number;
    const step = gridStep(bound, bits[i] as number);
    lo[i] = Math.max(p - step, -bound);
    hi[i] = Math.min(p + step, bound);
  }
  return { lo, hi };
}

/**
 * The clipping BLIP applies after every optimiser step (the reference the
 * tensor version follows): w = prev + clamp(w - prev, -step, step), then
 * clamped to [-bound, bound]. Returns a new array.
 */
export function clipToWindow(values: Float32Array, window: ClipWindow): Float32Array {
  checkLengths('window.lo', window.lo, values);
  checkLengths('window.hi', window.hi, values);
  return Float32Array.from(values, (w, i) => Math.min(Math.max(w, window.lo[i] as number), window.hi[i] as number));
}

/**
 * BLIP's information gain (in bits) of one weight from a task with Fisher
 * information `fisher`, given the running Fisher `fisherOld` of the
 * `tasksBefore` tasks learnt so far (0 for the first task):
 * IG = 0.5 * log2((F + (t + 1) * F_old) / ((t + 2) * F_old)).
 * Negative when the task carries less information than the running mean.
 */
export function informationGain(fisher: number, fisherOld: number, tasksBefore: number): number {
  return 0.5 * Math.log2((fisher + (tasksBefore + 1) * fisherOld) / ((tasksBefore + 2) * fisherOld));
}

/** The result of {@link freezeMoreBits}. */
export interface BitUpdate {
  /** Frozen bits per weight after the task, each <= maxBits. */
  readonly bits: Uint8Array;
  /** Bits frozen by this task, summed over the weights. */
  readonly added: number;
}

/**
 * bits += max(0, ceil(IG)), capped at `maxBits`, for every weight. Fisher
 * values must be finite and >= 0, `fisherOld` finite and > 0.
 */
export function freezeMoreBits(bits: Uint8Array, fisher: Float32Array, fisherOld: Float32Array, tasksBefore: number, maxBits: number): BitUpdate {
  checkLengths('fisher', fisher, bits);
  checkLengths('fisherOld', fisherOld, bits);
  if (!(Number.isInteger(tasksBefore) && tasksBefore >= 0)) throw new InvalidArgumentError('tasksBefore', tasksBefore, 'a non-negative integer');
  checkMaxBits(maxBits);
  const out = new Uint8Array(bits.length);
  let added = 0;
  for (let i = 0; i < bits.length; i++) {
    const f = fisher[i] as number;
    const old = fisherOld[i] as number;
    if (!(f >= 0 && Number.isFinite(f))) throw new InvalidArgumentError(`fisher[${i}]`, f, 'a finite number >= 0');
    if (!(old > 0 && Number.isFinite(old))) throw new InvalidArgumentError(`fisherOld[${i}]`, old, 'a finite number > 0');
    const before = bits[i] as number;
    const gain = Math.max(0, Math.ceil(informationGain(f, old, tasksBefore)));
    if (before > maxBits) throw new InvalidArgumentError(`bits[${i}]`, before, `at most maxBits = ${maxBits}`);
    const after = Math.min(maxBits, before + gain);
    out[i] = after;
    added += after - before;
  }
  return { bits: out, added };
}

/** The running Fisher after a task: F_old' = ((t + 1) * F_old + F) / (t + 2). Returns a new array. */
export function updateRunningFisher(fisherOld: Float32Array, fisher: Float32Array, tasksBefore: number): Float32Array {
  checkLengths('fisher', fisher, fisherOld);
  const t = tasksBefore;
  return Float32Array.from(fisherOld, (old, i) => ((t + 1) * old + (fisher[i] as number)) / (t + 2));
}

/** Validates a maximum bit count (1 ... {@link BLIP_BITS_LIMIT}). */
export function checkMaxBits(maxBits: number): void {
  if (!(Number.isInteger(maxBits) && maxBits >= 1 && maxBits <= BLIP_BITS_LIMIT)) {
    throw new InvalidArgumentError('maxBits', maxBits, `an integer in [1, ${BLIP_BITS_LIMIT}]`);
  }
}
