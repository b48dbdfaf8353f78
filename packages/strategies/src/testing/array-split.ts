import { InvalidArgumentError, Rng, tf } from '@retain/core';
import type { ArrayBatch, Batch, BatchOptions, DataSplit } from '@retain/scenarios';

/**
 * An in-memory {@link DataSplit} over float inputs and int labels, for tests
 * of strategies (the scenarios package's runtime is off limits here). Batches
 * follow the DataSplit contract: seeded shuffling (`rng` advanced per pass,
 * or `seed`'s 'shuffle' stream), dropRemainder, caller-disposed tensors.
 */
export class ArraySplit implements DataSplit {
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly featureSize: number;
  private readonly x: Float32Array;
  private readonly y: Int32Array;

  constructor(x: Float32Array, y: Int32Array, inputShape: readonly number[]) {
    this.featureSize = inputShape.reduce((a, b) => a * b, 1);
    if (x.length !== y.length * this.featureSize) throw new InvalidArgumentError('x.length', x.length, `${y.length} x ${this.featureSize}`);
    this.x = x;
    this.y = y;
    this.size = y.length;
    this.inputShape = [...inputShape];
  }

  numBatches(options: Pick<BatchOptions, 'batchSize' | 'dropRemainder'>): number {
    return options.dropRemainder === true ? Math.floor(this.size / options.batchSize) : Math.ceil(this.size / options.batchSize);
  }

  private order(options: BatchOptions): Uint32Array {
    const idx = Uint32Array.from({ length: this.size }, (_, i) => i);
    if (options.shuffle !== true) return idx;
    const rng = options.rng ?? (options.seed !== undefined ? Rng.fromSeed(options.seed).stream('shuffle') : undefined);
    if (rng === undefined) throw new InvalidArgumentError('options', options, 'a seed or rng with shuffle: true');
    rng.shuffle(idx);
    return idx;
  }

  *arrayBatches(options: BatchOptions): IterableIterator<ArrayBatch> {
    const order = this.order(options);
    const n = this.numBatches(options);
    const f = this.featureSize;
    const bx = new Float32Array(options.batchSize * f);
    const by = new Int32Array(options.batchSize);
    for (let b = 0; b < n; b++) {
      const start = b * options.batchSize;
      const size = Math.min(options.batchSize, this.size - start);
      const positions = order.slice(start, start + size);
      for (let k = 0; k < size; k++) {
        const i = positions[k] as number;
        bx.set(this.x.subarray(i * f, (i + 1) * f), k * f);
        by[k] = this.y[i] as number;
      }
      yield { x: bx.subarray(0, size * f), y: by.subarray(0, size), size, positions };
    }
  }

  *batches(options: BatchOptions): IterableIterator<Batch> {
    for (const b of this.arrayBatches(options)) {
      yield { x: tf.tensor(b.x.slice(), [b.size, ...this.inputShape], 'float32'), y: tf.tensor1d(b.y.slice(), 'int32'), size: b.size };
    }
  }

  async forEachBatch(options: BatchOptions, fn: (batch: Batch, index: number) => void | Promise<void>): Promise<number> {
    let i = 0;
    for (const batch of this.batches(options)) {
      try {
        await fn(batch, i++);
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
    }
    return i;
  }

  labels(): Int32Array {
    return this.y.slice();
  }

  inputs(): Float32Array {
    return this.x.slice();
  }
}
