import type { tf } from '../tf.js';
import type { Parameter } from './parameter.js';

/** What a forward pass needs besides its input. */
export interface ForwardContext {
  /** Chooses the task's head and per-task batch-norm state. */
  readonly taskId: number;
  /** Batch statistics in batch norm (and their running update), dropout on. */
  readonly training: boolean;
}

/**
 * A building block of a {@link MaskedNetwork}. Shapes are per sample (no batch
 * dimension); images are NHWC.
 */
export interface Layer {
  /** Unique in its network; the prefix of its parameters' names. */
  readonly name: string;
  /** The per-sample output shape. */
  readonly outputShape: readonly number[];
  /** Maps a batch; the caller disposes intermediates (MaskedNetwork.apply runs inside tf.tidy). */
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor;
  /** Every parameter the layer holds now, including per-task state created so far. */
  parameters(): Parameter[];
  /** Creates per-task state for `taskId` if the layer has any (batch norm); otherwise does nothing. */
  prepareTask(taskId: number): void;
  /** Disposes every parameter. */
  dispose(): void;
}

/** The activations a dense or convolution layer can fuse. */
export type Activation = 'linear' | 'relu';
