import type { Rng, tf } from '@retain/core';

/**
 * How experiences relate (van de Ven and Tolias, 2019, "Three scenarios for
 * continual learning"): task-incremental (task id given at test time, one
 * head per task), class-incremental (no task id, one head over all classes
 * seen), domain-incremental (no task id, the same label space every task).
 */
export type ScenarioKind = 'task-incremental' | 'class-incremental' | 'domain-incremental';

/** Input layout of batches: 'nhwc' gives [B, H, W, C], 'flat' gives [B, H*W*C] (for MLPs). */
export type InputLayout = 'nhwc' | 'flat';

/** Options of a {@link DataSplit}'s batch iterators. */
export interface BatchOptions {
  /** Samples per batch (positive integer). */
  readonly batchSize: number;
  /** Visit samples in a seeded random order (default false: stored order). Needs `seed` or `rng`. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle (its 'shuffle' stream is used). */
  readonly seed?: number;
  /** Generator of the shuffle, advanced by each pass (successive epochs get successive orders). Wins over `seed`. */
  readonly rng?: Rng;
  /** Drop a last batch smaller than batchSize (default false). */
  readonly dropRemainder?: boolean;
}

/**
 * A batch as tensors. Whoever takes it from {@link DataSplit.batches} must
 * dispose `x` and `y` (or use {@link DataSplit.forEachBatch}, which does).
 */
export interface Batch {
  /** Inputs, float32 in [0, 1] for uint8 data, [size, ...inputShape]. */
  readonly x: tf.Tensor;
  /** Labels, int32, [size], in this experience's label space. */
  readonly y: tf.Tensor1D;
  /** Number of samples. */
  readonly size: number;
}

/**
 * A batch as typed arrays: views of buffers reused by the iterator, valid
 * until it advances (copy what you keep).
 */
export interface ArrayBatch {
  /** size x featureSize inputs. */
  readonly x: Float32Array;
  /** size labels. */
  readonly y: Int32Array;
  /** Number of samples. */
  readonly size: number;
  /** Which samples of the split (0..split.size-1) the batch holds, in batch order. */
  readonly positions: Uint32Array;
}

/**
 * One split (train, validation or test) of an experience. The data stay in
 * the source dataset's typed arrays; a split holds sample indices plus the
 * pixel transform and label mapping, applied while each batch is built.
 */
export interface DataSplit {
  /** Number of samples. */
  readonly size: number;
  /** Shape of one input: [H, W, C] ('nhwc') or [H*W*C] ('flat'). */
  readonly inputShape: readonly number[];
  /** Values per input (H*W*C). */
  readonly featureSize: number;
  /** Number of batches one pass yields with these options. */
  numBatches(options: Pick<BatchOptions, 'batchSize' | 'dropRemainder'>): number;
  /** Lazily built tensor batches; the caller disposes each (see {@link Batch}). */
  batches(options: BatchOptions): IterableIterator<Batch>;
  /** Calls `fn` with each batch and disposes its tensors after `fn` settles. Resolves to the number of batches. */
  forEachBatch(options: BatchOptions, fn: (batch: Batch, index: number) => void | Promise<void>): Promise<number>;
  /** Lazily built typed-array batches in one reused buffer (no tensors). */
  arrayBatches(options: BatchOptions): IterableIterator<ArrayBatch>;
  /** All labels, in stored order (a copy). */
  labels(): Int32Array;
  /** All inputs as one size x featureSize Float32Array, in stored order (for evaluation in large batches). */
  inputs(): Float32Array;
}

/** One step of a scenario: the data of one task. */
export interface Experience {
  /** Position in the scenario, 0-based. */
  readonly index: number;
  /** Task identity (equals `index` in every builder here); strategies may use it only where `Scenario.kind` is task-incremental. */
  readonly taskId: number;
  /**
   * Global class ids present in this experience. In task- and
   * domain-incremental scenarios label `i` of its batches is class
   * `classes[i]`; in class-incremental ones labels are global ids.
   */
  readonly classes: readonly number[];
  /** Output size of the head for this experience's labels (every label is < numClasses). */
  readonly numClasses: number;
  /** Short description, e.g. 'permutation 3', 'classes 2,3', 'rotation 36 deg'. */
  readonly description: string;
  /** Training data. */
  readonly train: DataSplit;
  /** Validation data carved from the training set, when validationFraction > 0. */
  readonly validation?: DataSplit;
  /** Test data. */
  readonly test: DataSplit;
}

/** An ordered list of experiences plus what a report needs to say about them. */
export interface Scenario {
  /** Preset or builder name, e.g. 'pfmnist-10'. */
  readonly name: string;
  /** Scenario kind; decides whether the task id may be used at test time. */
  readonly kind: ScenarioKind;
  /** The seed everything random was drawn from. */
  readonly seed: number;
  /** The data actually used: the dataset(s) and where they were read from, or 'embedded fashion-mnist subset ...'. */
  readonly source: string;
  /** The experiences, in training order. */
  readonly experiences: readonly Experience[];
  /** Names of the global classes, by global id. */
  readonly classNames: readonly string[];
  /** Shape of one input, as batches give it. */
  readonly inputShape: readonly number[];
  /** The paper convention a preset follows (empty for hand-built scenarios). */
  readonly convention: string;
}
