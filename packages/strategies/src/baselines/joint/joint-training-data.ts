import { InvalidArgumentError, Rng, tf } from '@retain/core';
import type { ArrayBatch, DataSplit } from '@retain/scenarios';
import type { BatchSegment, TrainingBatch } from '../../framework/plugin.js';
import type { TrainingData } from '../../training/training-data.js';

/** One experience's training split and the network task its samples go to. */
export interface JointPart {
  readonly split: DataSplit;
  readonly taskId: number;
}

/** Samples read from a split at a time (a reading unit only). */
const READ_CHUNK = 256;

/** Reads one split's samples one at a time from its (shuffled) typed-array batches. */
class PartCursor {
  remaining: number;
  private readonly batches: Iterator<ArrayBatch>;
  private current: ArrayBatch | undefined;
  private position = 0;

  constructor(
    readonly part: JointPart,
    rng: Rng | undefined,
  ) {
    this.remaining = part.split.size;
    this.batches = part.split.arrayBatches(rng === undefined ? { batchSize: READ_CHUNK } : { batchSize: READ_CHUNK, shuffle: true, rng })[Symbol.iterator]();
  }

  /** Copies the next sample into x (at row `row`) and y; the chunk view stays valid until the next call advances it. */
  take(x: Float32Array, y: Int32Array, row: number, featureSize: number): void {
    if (this.current === undefined || this.position >= this.current.size) {
      const next = this.batches.next();
      if (next.done === true) throw new InvalidArgumentError('split', this.part.split.size, 'as many samples as its size says');
      this.current = next.value;
      this.position = 0;
    }
    const c = this.current;
    x.set(c.x.subarray(this.position * featureSize, (this.position + 1) * featureSize), row * featureSize);
    y[row] = c.y[this.position] as number;
    this.position++;
    this.remaining--;
  }
}

/**
 * The union of several experiences' training splits as the loop's training
 * data (Joint training). With a generator, each pass is a uniformly random
 * order of all samples: every split is shuffled, and each batch slot draws
 * the next sample of split k with probability (samples left in k) / (samples
 * left), a uniformly random interleaving. Without one, the splits follow each
 * other in order. Within a batch, samples are grouped by task and `segments`
 * route them through their task's head when the parts have several tasks.
 */
export function jointTrainingData(parts: readonly JointPart[]): TrainingData {
  if (parts.length === 0) throw new InvalidArgumentError('parts', parts, 'at least one training split');
  const featureSize = parts[0]?.split.featureSize ?? 0;
  const inputShape = parts[0]?.split.inputShape ?? [];
  for (const [k, p] of parts.entries()) {
    if (p.split.featureSize !== featureSize || p.split.inputShape.some((d, i) => d !== inputShape[i])) {
      throw new InvalidArgumentError(`parts[${k}].split.inputShape`, p.split.inputShape, `[${inputShape.join(', ')}] like the first split`);
    }
  }
  const size = parts.reduce((n, p) => n + p.split.size, 0);
  const multiTask = new Set(parts.map((p) => p.taskId)).size > 1;
  return {
    size,
    numBatches: (batchSize) => Math.ceil(size / batchSize),
    *batches(batchSize: number, rng: Rng | undefined): Iterable<TrainingBatch> {
      const cursors = parts.map((p) => new PartCursor(p, rng === undefined ? undefined : Rng.fromState([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()])));
      let left = size;
      while (left > 0) {
        const n = Math.min(batchSize, left);
        const x = new Float32Array(n * featureSize);
        const y = new Int32Array(n);
        const tasks = new Int32Array(n);
        for (let row = 0; row < n; row++) {
          let pick = 0;
          if (rng !== undefined) {
            let r = rng.nextInt(left);
            while (r >= (cursors[pick] as PartCursor).remaining) r -= (cursors[pick++] as PartCursor).remaining;
          } else {
            while ((cursors[pick] as PartCursor).remaining === 0) pick++;
          }
          const cursor = cursors[pick] as PartCursor;
          cursor.take(x, y, row, featureSize);
          tasks[row] = cursor.part.taskId;
          left--;
        }
        yield groupByTask(x, y, tasks, n, featureSize, inputShape, multiTask);
      }
    },
  };
}

function groupByTask(x: Float32Array, y: Int32Array, tasks: Int32Array, n: number, f: number, inputShape: readonly number[], multiTask: boolean): TrainingBatch {
  if (!multiTask) return { x: tf.tensor(x, [n, ...inputShape], 'float32'), y: tf.tensor1d(y, 'int32'), size: n };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (tasks[a] as number) - (tasks[b] as number) || a - b);
  const gx = new Float32Array(n * f);
  const gy = new Int32Array(n);
  const segments: BatchSegment[] = [];
  order.forEach((src, k) => {
    gx.set(x.subarray(src * f, (src + 1) * f), k * f);
    gy[k] = y[src] as number;
    const t = tasks[src] as number;
    const last = segments[segments.length - 1];
    if (last !== undefined && last.taskId === t) segments[segments.length - 1] = { ...last, size: last.size + 1 };
    else segments.push({ taskId: t, start: k, size: 1 });
  });
  return { x: tf.tensor(gx, [n, ...inputShape], 'float32'), y: tf.tensor1d(gy, 'int32'), size: n, segments };
}
