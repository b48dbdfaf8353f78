import { InvalidArgumentError, Rng, tf } from '@retain/core';
import { imageSize, type LabeledImages } from '../datasets/labeled-images.js';
import type { PixelMap } from './pixel-map.js';
import type { ArrayBatch, Batch, BatchOptions, DataSplit, InputLayout } from './types.js';

/** k / 255 as float32 for every byte k: uint8 pixels become floats in [0, 1] by lookup. */
const UNIT_LUT = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** Backends whose write() copies the values at once, so one input buffer can be reused across batches. */
const COPYING_BACKENDS = new Set(['wasm']);

/** What a {@link SampleSplit} is made of. */
export interface SampleSplitSpec {
  /** The dataset split the samples come from (shared, never copied). */
  readonly source: LabeledImages;
  /** Indices of the samples into `source`, in stored order. */
  readonly indices: Uint32Array;
  /** Source label -> output label; identity when absent. */
  readonly labelMap?: Int32Array;
  /** Pixel transform applied per batch; identity when absent. */
  readonly pixelMap?: PixelMap;
  /** Input layout of batches. */
  readonly layout: InputLayout;
}

function checkBatchOptions(options: BatchOptions): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new InvalidArgumentError('batchSize', options.batchSize, 'a positive integer');
  if (options.shuffle && options.rng === undefined && options.seed === undefined) {
    throw new InvalidArgumentError('seed', options.seed, 'a seed or an rng when shuffle is true (shuffles are always seeded)');
  }
}

/**
 * A {@link DataSplit} over samples of a shared dataset: a batch is built by
 * gathering its samples' pixels through the pixel map into one Float32Array
 * (uint8 scaled by 1/255) and mapping their labels; nothing per sample is
 * allocated and the dataset is never copied.
 */
export class SampleSplit implements DataSplit {
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly featureSize: number;
  private readonly spec: SampleSplitSpec;
  private readonly sourceSize: number;

  constructor(spec: SampleSplitSpec) {
    const outShape = spec.pixelMap?.to ?? spec.source.shape;
    if (spec.pixelMap && imageSize(spec.pixelMap.from) !== imageSize(spec.source.shape)) {
      throw new InvalidArgumentError('pixelMap.from', spec.pixelMap.from, `the source shape ${spec.source.shape.join('x')}`);
    }
    this.spec = spec;
    this.size = spec.indices.length;
    this.featureSize = imageSize(outShape);
    this.sourceSize = imageSize(spec.source.shape);
    this.inputShape = spec.layout === 'flat' ? [this.featureSize] : [...outShape];
  }

  numBatches(options: Pick<BatchOptions, 'batchSize' | 'dropRemainder'>): number {
    checkBatchOptions({ batchSize: options.batchSize });
    return options.dropRemainder ? Math.floor(this.size / options.batchSize) : Math.ceil(this.size / options.batchSize);
  }

  /** Fills `x` and `y` with the samples at split positions `positions[0..count)`. */
  private fill(positions: Uint32Array, count: number, x: Float32Array, y: Int32Array): void {
    const { source, indices, labelMap, pixelMap } = this.spec;
    const src = source.images;
    const lut = src instanceof Uint8Array ? UNIT_LUT : undefined;
    const map = pixelMap?.map;
    const d = this.featureSize;
    const s = this.sourceSize;
    for (let b = 0; b < count; b++) {
      const sample = indices[positions[b] ?? 0] ?? 0;
      const label = source.labels[sample] ?? 0;
      y[b] = labelMap ? (labelMap[label] ?? -1) : label;
      const base = sample * s;
      const out = b * d;
      if (map && lut) {
        for (let j = 0; j < d; j++) {
          const m = map[j] ?? -1;
          x[out + j] = m < 0 ? 0 : (lut[src[base + m] ?? 0] ?? 0);
        }
      } else if (map) {
        for (let j = 0; j < d; j++) {
          const m = map[j] ?? -1;
          x[out + j] = m < 0 ? 0 : (src[base + m] ?? 0);
        }
      } else if (lut) {
        for (let j = 0; j < d; j++) x[out + j] = lut[src[base + j] ?? 0] ?? 0;
      } else {
        x.set((src as Float32Array).subarray(base, base + d), out);
      }
    }
  }

  private order(options: BatchOptions): Uint32Array {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (options.shuffle) (options.rng ?? Rng.fromSeed(options.seed ?? 0).stream('shuffle')).shuffle(order);
    return order;
  }

  private *iterate(options: BatchOptions, freshBuffers: boolean): IterableIterator<ArrayBatch> {
    checkBatchOptions(options);
    const order = this.order(options);
    const total = this.numBatches(options);
    const bs = options.batchSize;
    let x = new Float32Array(Math.min(bs, this.size) * this.featureSize);
    let y = new Int32Array(Math.min(bs, this.size));
    for (let b = 0; b < total; b++) {
      const start = b * bs;
      const count = Math.min(bs, this.size - start);
      if (freshBuffers && b > 0) {
        x = new Float32Array(count * this.featureSize);
        y = new Int32Array(count);
      }
      const positions = order.subarray(start, start + count);
      this.fill(positions, count, x, y);
      yield { x: x.subarray(0, count * this.featureSize), y: y.subarray(0, count), size: count, positions };
    }
  }

  arrayBatches(options: BatchOptions): IterableIterator<ArrayBatch> {
    return this.iterate(options, false);
  }

  *batches(options: BatchOptions): IterableIterator<Batch> {
    // Reusing one buffer is only safe on backends that copy on write (wasm);
    // cpu and tfjs-node keep a reference to the array given.
    const reuse = COPYING_BACKENDS.has(tf.getBackend());
    for (const batch of this.iterate(options, !reuse)) {
      const x = tf.tensor(batch.x, [batch.size, ...this.inputShape], 'float32');
      const y = tf.tensor1d(batch.y, 'int32');
      yield { x, y, size: batch.size };
    }
  }

  async forEachBatch(options: BatchOptions, fn: (batch: Batch, index: number) => void | Promise<void>): Promise<number> {
    let index = 0;
    for (const batch of this.batches(options)) {
      try {
        await fn(batch, index);
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
      index++;
    }
    return index;
  }

  labels(): Int32Array {
    const { source, indices, labelMap } = this.spec;
    const out = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const label = source.labels[indices[i] ?? 0] ?? 0;
      out[i] = labelMap ? (labelMap[label] ?? -1) : label;
    }
    return out;
  }

  inputs(): Float32Array {
    const x = new Float32Array(this.size * this.featureSize);
    const positions = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) positions[i] = i;
    this.fill(positions, this.size, x, new Int32Array(this.size));
    return x;
  }
}
