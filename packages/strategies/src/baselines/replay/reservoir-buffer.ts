import { InvalidArgumentError, Rng } from '@retain/core';
import { BaselineStateError } from '../errors/baseline-errors.js';

/** Samples drawn from a {@link ReservoirBuffer} (copies: safe to keep). */
export interface ReservoirSample {
  /** size x featureSize inputs. */
  readonly x: Float32Array;
  /** size labels. */
  readonly y: Int32Array;
  /** size task ids (the experience each sample came from). */
  readonly taskIds: Int32Array;
  readonly size: number;
}

/** A checkpoint of a {@link ReservoirBuffer}: plain data, see {@link ReservoirBuffer.toState}. */
export interface ReservoirBufferState {
  readonly capacity: number;
  readonly featureSize: number;
  /** Samples offered so far. */
  readonly seen: number;
  /** The stored samples (size = min(seen, capacity)): inputs, labels, task ids. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly taskIds: Int32Array;
  /** Rng.getState() of the insertion and the drawing generators. */
  readonly insertRng: readonly number[];
  readonly drawRng: readonly number[];
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(field, value, 'a positive integer');
  return value;
}

/**
 * A fixed-capacity replay memory over typed arrays filled by reservoir
 * sampling (Vitter 1985, "Random sampling with a reservoir", Algorithm R):
 * after n samples were offered it holds min(n, capacity) of them, and every
 * subset of that size is equally likely, so the memory stays a uniform sample
 * of the whole stream whatever the experience boundaries. This is the
 * memory of experience replay in Chaudhry et al. 2019 ("On Tiny Episodic
 * Memories in Continual Learning"). All randomness comes from the given
 * Rng (its 'reservoir-insert' and 'reservoir-draw' streams).
 */
export class ReservoirBuffer {
  readonly capacity: number;
  /** Values per stored input. */
  readonly featureSize: number;
  private readonly xs: Float32Array;
  private readonly ys: Int32Array;
  private readonly tasks: Int32Array;
  private seenCount = 0;
  private insertRng: Rng;
  private drawRng: Rng;
  private scratch: Uint32Array;

  constructor(options: { readonly capacity: number; readonly featureSize: number; readonly rng: Rng }) {
    this.capacity = positiveInteger('capacity', options.capacity);
    this.featureSize = positiveInteger('featureSize', options.featureSize);
    if (this.capacity * this.featureSize > 2 ** 31) {
      throw new InvalidArgumentError('capacity', this.capacity, `at most ${Math.floor(2 ** 31 / this.featureSize)} samples of ${this.featureSize} values`);
    }
    this.xs = new Float32Array(this.capacity * this.featureSize);
    this.ys = new Int32Array(this.capacity);
    this.tasks = new Int32Array(this.capacity);
    this.insertRng = options.rng.stream('reservoir-insert');
    this.drawRng = options.rng.stream('reservoir-draw');
    this.scratch = new Uint32Array(0);
  }

  /** Samples stored: min(seen, capacity). */
  get size(): number {
    return Math.min(this.seenCount, this.capacity);
  }

  /** Samples offered so far. */
  get seen(): number {
    return this.seenCount;
  }

  /**
   * Offers `size` samples (rows of `x`, labels `y`) of task `taskId`, one by
   * one: sample n (0-based) is stored while n < capacity, else it replaces
   * slot j for j uniform in [0, n] when j < capacity.
   */
  add(x: Float32Array, y: Int32Array, size: number, taskId: number): void {
    if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError('size', size, 'a non-negative integer');
    if (x.length < size * this.featureSize) throw new InvalidArgumentError('x.length', x.length, `>= ${size} x ${this.featureSize}`);
    if (y.length < size) throw new InvalidArgumentError('y.length', y.length, `>= ${size}`);
    if (!Number.isInteger(taskId) || taskId < 0) throw new InvalidArgumentError('taskId', taskId, 'a non-negative integer');
    const f = this.featureSize;
    for (let i = 0; i < size; i++) {
      const n = this.seenCount;
      if (n >= 2 ** 32) throw new InvalidArgumentError('seen', n, 'fewer than 2^32 samples offered');
      const slot = n < this.capacity ? n : this.insertRng.nextInt(n + 1);
      if (slot < this.capacity) {
        this.xs.set(x.subarray(i * f, (i + 1) * f), slot * f);
        this.ys[slot] = y[i] as number;
        this.tasks[slot] = taskId;
      }
      this.seenCount = n + 1;
    }
  }

  /**
   * Draws min(count, size) distinct stored samples, uniformly without
   * replacement (partial Fisher-Yates), in random order.
   */
  sample(count: number): ReservoirSample {
    if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('count', count, 'a non-negative integer');
    const slots = this.drawSlots(Math.min(count, this.size));
    return this.gather(slots);
  }

  /** Every stored sample, in slot order (copies). */
  contents(): ReservoirSample {
    return this.gather(Uint32Array.from({ length: this.size }, (_, i) => i));
  }

  /** Stored samples per task id. */
  countByTask(): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < this.size; i++) out.set(this.tasks[i] as number, (out.get(this.tasks[i] as number) ?? 0) + 1);
    return out;
  }

  /** A checkpoint (copies of the stored samples and generator states). */
  toState(): ReservoirBufferState {
    const n = this.size;
    return {
      capacity: this.capacity,
      featureSize: this.featureSize,
      seen: this.seenCount,
      x: this.xs.slice(0, n * this.featureSize),
      y: this.ys.slice(0, n),
      taskIds: this.tasks.slice(0, n),
      insertRng: this.insertRng.getState(),
      drawRng: this.drawRng.getState(),
    };
  }

  /** Rebuilds a buffer from {@link toState}'s output, checking every field. */
  static fromState(state: ReservoirBufferState): ReservoirBuffer {
    const { capacity, featureSize, seen } = state;
    if (!Number.isInteger(capacity) || capacity <= 0) throw new BaselineStateError('reservoir.capacity', `expected a positive integer, got ${String(capacity)}`);
    if (!Number.isInteger(featureSize) || featureSize <= 0) throw new BaselineStateError('reservoir.featureSize', `expected a positive integer, got ${String(featureSize)}`);
    if (!Number.isInteger(seen) || seen < 0) throw new BaselineStateError('reservoir.seen', `expected a non-negative integer, got ${String(seen)}`);
    const n = Math.min(seen, capacity);
    if (!(state.x instanceof Float32Array) || state.x.length !== n * featureSize) {
      throw new BaselineStateError('reservoir.x', `expected a Float32Array of ${n * featureSize} values`);
    }
    if (!(state.y instanceof Int32Array) || state.y.length !== n) throw new BaselineStateError('reservoir.y', `expected an Int32Array of ${n} labels`);
    if (!(state.taskIds instanceof Int32Array) || state.taskIds.length !== n) {
      throw new BaselineStateError('reservoir.taskIds', `expected an Int32Array of ${n} task ids`);
    }
    const buffer = new ReservoirBuffer({ capacity, featureSize, rng: Rng.fromSeed(0) });
    try {
      buffer.insertRng = Rng.fromState(state.insertRng);
      buffer.drawRng = Rng.fromState(state.drawRng);
    } catch (cause) {
      throw new BaselineStateError('reservoir.insertRng/drawRng', `not generator states (${String(cause)})`);
    }
    buffer.xs.set(state.x);
    buffer.ys.set(state.y);
    buffer.tasks.set(state.taskIds);
    buffer.seenCount = seen;
    return buffer;
  }

  private drawSlots(k: number): Uint32Array {
    const n = this.size;
    if (this.scratch.length !== n) this.scratch = new Uint32Array(n);
    const s = this.scratch;
    for (let i = 0; i < n; i++) s[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.drawRng.nextInt(n - i);
      const t = s[i] as number;
      s[i] = s[j] as number;
      s[j] = t;
    }
    return s.slice(0, k);
  }

  private gather(slots: Uint32Array): ReservoirSample {
    const f = this.featureSize;
    const x = new Float32Array(slots.length * f);
    const y = new Int32Array(slots.length);
    const taskIds = new Int32Array(slots.length);
    slots.forEach((slot, i) => {
      x.set(this.xs.subarray(slot * f, (slot + 1) * f), i * f);
      y[i] = this.ys[slot] as number;
      taskIds[i] = this.tasks[slot] as number;
    });
    return { x, y, taskIds, size: slots.length };
  }
}
