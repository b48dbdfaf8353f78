import { tf } from '../tf.js';
import { checkImageShape, checkPositiveInteger, convOutputLength } from './conv-shapes.js';
import type { ForwardContext, Layer } from './layer.js';
import type { Parameter } from './parameter.js';

/** Which window reduction a {@link Pool2d} applies. */
export type PoolKind = 'max' | 'avg';

/** Max or average pooling over NHWC images, 'valid' windows (PyTorch's MaxPool2d / AvgPool2d). */
export class Pool2d implements Layer {
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly kind: PoolKind;
  readonly poolSize: number;
  readonly stride: number;

  /** `stride` defaults to `poolSize`. */
  constructor(name: string, inputShape: readonly number[], kind: PoolKind, poolSize: number, stride?: number) {
    const [h, w, c] = checkImageShape(`${name}.inputShape`, inputShape);
    this.name = name;
    this.kind = kind;
    this.poolSize = checkPositiveInteger(`${name}.poolSize`, poolSize);
    this.stride = checkPositiveInteger(`${name}.stride`, stride ?? poolSize);
    this.outputShape = [
      convOutputLength(`${name}.inputShape[0]`, h, this.poolSize, this.stride, 'valid'),
      convOutputLength(`${name}.inputShape[1]`, w, this.poolSize, this.stride, 'valid'),
      c,
    ];
  }

  apply(x: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    const x4 = x as tf.Tensor4D;
    return this.kind === 'max'
      ? tf.maxPool(x4, this.poolSize, this.stride, 'valid')
      : tf.avgPool(x4, this.poolSize, this.stride, 'valid');
  }

  parameters(): Parameter[] {
    return [];
  }

  prepareTask(): void {
    // no per-task state
  }

  dispose(): void {
    // no tensors
  }
}

/** Mean over height and width: [batch, h, w, c] -> [batch, c]. */
export class GlobalAveragePool implements Layer {
  readonly name: string;
  readonly outputShape: readonly number[];

  constructor(name: string, inputShape: readonly number[]) {
    const [, , c] = checkImageShape(`${name}.inputShape`, inputShape);
    this.name = name;
    this.outputShape = [c];
  }

  apply(x: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    return tf.mean(x, [1, 2]);
  }

  parameters(): Parameter[] {
    return [];
  }

  prepareTask(): void {
    // no per-task state
  }

  dispose(): void {
    // no tensors
  }
}
