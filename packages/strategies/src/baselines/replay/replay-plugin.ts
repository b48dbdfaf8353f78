import { InvalidArgumentError } from '@retain/core';
import type { BatchSlot, TrainingInfo } from '../../framework/plugin.js';
import { requireTensor, type StateParts } from '../../framework/state-codec.js';
import type { StrategyState } from '../../framework/strategy.js';
import { StrategyStateError } from '../../framework/strategy-errors.js';
import { metaIntegers, metaNumber, metaObject } from '../checkpoint-arrays.js';
import type { CheckpointedPlugin } from '../plugin-strategy.js';
import { appendMemory } from './replay-batch.js';
import { ReservoirBuffer } from './reservoir-buffer.js';

/** Default memory size in samples (ours; Chaudhry et al. 2019 study tiny memories of a few samples per class). */
export const REPLAY_DEFAULT_CAPACITY = 500;

/** Options of {@link ReplayPlugin}. */
export interface ReplayOptions {
  /** Samples the memory holds. Default {@link REPLAY_DEFAULT_CAPACITY}. */
  readonly capacity?: number;
  /** Memory samples added to each batch. Default: as many as the batch holds (experience replay's equal split). */
  readonly replayBatchSize?: number;
}

/**
 * Experience replay with a reservoir memory (Chaudhry et al. 2019, "On Tiny
 * Episodic Memories in Continual Learning"; reservoir sampling: Vitter 1985)
 * as a plugin of the shared loop. Each training batch is joined by a batch
 * drawn uniformly from the memory (one step on both: the mean loss over the
 * joined batch), then the batch's own samples are offered to the memory.
 * Samples are offered once: during the first epoch of an experience's first
 * phase, so the memory stays a uniform sample of the stream of experiences.
 * Memory samples of other tasks go through their own head (segments).
 */
export class ReplayPlugin implements CheckpointedPlugin {
  readonly name = 'replay';
  readonly capacity: number;
  readonly replayBatchSize: number | undefined;
  private buffer: ReservoirBuffer | undefined;
  private offering = false;

  constructor(options: ReplayOptions = {}) {
    this.capacity = options.capacity ?? REPLAY_DEFAULT_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity <= 0) throw new InvalidArgumentError('replay.capacity', this.capacity, 'a positive integer');
    this.replayBatchSize = options.replayBatchSize;
    if (this.replayBatchSize !== undefined && (!Number.isInteger(this.replayBatchSize) || this.replayBatchSize < 0)) {
      throw new InvalidArgumentError('replay.replayBatchSize', this.replayBatchSize, 'a non-negative integer');
    }
  }

  /** The memory (undefined before the first experience). */
  get memory(): ReservoirBuffer | undefined {
    return this.buffer;
  }

  /** Creates the memory on the first experience; the experience's samples will be offered during its first epoch. */
  beforeTrainingExperience(info: TrainingInfo): void {
    const featureSize = info.experience.train.featureSize;
    if (this.buffer === undefined) this.buffer = new ReservoirBuffer({ capacity: this.capacity, featureSize, rng: info.rng.stream('replay') });
    else if (this.buffer.featureSize !== featureSize) {
      throw new InvalidArgumentError('experience.train.featureSize', featureSize, `${this.buffer.featureSize}, the size of the samples in memory`);
    }
    this.offering = true;
  }

  /** Joins a memory batch to the batch, then offers the batch's samples to the memory. */
  async beforeTrainingIteration(info: TrainingInfo, slot: BatchSlot): Promise<void> {
    const buffer = this.buffer;
    if (buffer === undefined) return;
    const batch = slot.batch;
    const own = this.offering ? { x: (await batch.x.data()) as Float32Array, y: (await batch.y.data()) as Int32Array } : undefined;
    const count = this.replayBatchSize ?? batch.size;
    if (buffer.size > 0 && count > 0) slot.replace(appendMemory(batch, buffer.sample(count), info.taskId));
    if (own !== undefined) buffer.add(own.x, own.y, batch.size, info.taskId);
  }

  /** Offering stops after the first epoch. */
  afterTrainingEpoch(): void {
    this.offering = false;
  }

  afterTrainingExperience(): void {
    this.offering = false;
  }

  stateParts(): StateParts {
    const b = this.buffer;
    if (b === undefined) return { meta: { replay: { capacity: this.capacity } }, tensors: {}, blobs: {} };
    const s = b.toState();
    return {
      meta: { replay: { capacity: s.capacity, featureSize: s.featureSize, seen: s.seen, insertRng: [...s.insertRng], drawRng: [...s.drawRng] } },
      tensors: { 'replay/x': s.x, 'replay/y': Float32Array.from(s.y), 'replay/taskIds': Float32Array.from(s.taskIds) },
      blobs: {},
    };
  }

  restoreParts(state: StrategyState): () => void {
    const meta = metaObject(state, 'replay');
    const capacity = metaNumber(meta, 'capacity', 'meta.replay');
    if (capacity !== this.capacity) throw new StrategyStateError('meta.replay.capacity', `the checkpoint's memory holds ${capacity} samples, this plugin ${this.capacity}`);
    if (meta['featureSize'] === undefined) {
      return () => {
        this.buffer = undefined;
        this.offering = false;
      };
    }
    const featureSize = metaNumber(meta, 'featureSize', 'meta.replay');
    const seen = metaNumber(meta, 'seen', 'meta.replay');
    const n = Math.min(seen, capacity);
    const x = requireTensor(state, 'replay/x', n * featureSize);
    const y = requireTensor(state, 'replay/y', n);
    const taskIds = requireTensor(state, 'replay/taskIds', n);
    const ints = (field: string, values: Float32Array): Int32Array => {
      if (values.some((v) => !Number.isInteger(v))) throw new StrategyStateError(`tensors["${field}"]`, 'expected integer values');
      return Int32Array.from(values);
    };
    let buffer: ReservoirBuffer;
    try {
      buffer = ReservoirBuffer.fromState({
        capacity,
        featureSize,
        seen,
        x,
        y: ints('replay/y', y),
        taskIds: ints('replay/taskIds', taskIds),
        insertRng: metaIntegers(meta, 'insertRng', 'meta.replay'),
        drawRng: metaIntegers(meta, 'drawRng', 'meta.replay'),
      });
    } catch (cause) {
      if (cause instanceof StrategyStateError) throw cause;
      throw new StrategyStateError('meta.replay', `not a reservoir memory (${String(cause)})`);
    }
    return () => {
      this.buffer = buffer;
      this.offering = false;
    };
  }

  dispose(): void {
    // The memory is typed arrays: nothing to free.
  }
}
