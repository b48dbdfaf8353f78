import { tf } from '../tf.js';
import { checkImageShape, checkPadding, checkPositiveInteger, convOutputLength, type Padding } from './conv-shapes.js';
import type { Activation, ForwardContext, Layer } from './layer.js';
import type { Parameter } from './parameter.js';
import type { ParameterFactory } from './parameter-factory.js';

/** Options of {@link MaskedConv2d}. */
export interface Conv2dOptions {
  readonly filters: number;
  /** Square kernel side. */
  readonly kernelSize: number;
  /** Default 1. */
  readonly stride?: number;
  /** Default 'valid'. */
  readonly padding?: Padding;
  /** Default 'linear'. */
  readonly activation?: Activation;
  /** Default true. */
  readonly useBias?: boolean;
}

/**
 * A 2-D convolution over NHWC images whose kernel ([kh, kw, in, out]) and bias
 * are {@link Parameter}s that a strategy can mask or transform. Forward: one
 * fused conv2d + bias (+ relu).
 */
export class MaskedConv2d implements Layer {
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: Padding;
  readonly activation: Activation;
  readonly kernel: Parameter;
  readonly bias: Parameter | undefined;
  private readonly pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;

  constructor(name: string, inputShape: readonly number[], options: Conv2dOptions, factory: ParameterFactory) {
    const [h, w, c] = checkImageShape(`${name}.inputShape`, inputShape);
    this.name = name;
    const filters = checkPositiveInteger(`${name}.filters`, options.filters);
    this.kernelSize = checkPositiveInteger(`${name}.kernelSize`, options.kernelSize);
    this.stride = checkPositiveInteger(`${name}.stride`, options.stride ?? 1);
    this.padding = checkPadding(`${name}.padding`, options.padding ?? 'valid');
    this.activation = options.activation ?? 'linear';
    const p = this.padding;
    this.pad = typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p;
    this.outputShape = [
      convOutputLength(`${name}.inputShape[0]`, h, this.kernelSize, this.stride, this.padding),
      convOutputLength(`${name}.inputShape[1]`, w, this.kernelSize, this.stride, this.padding),
      filters,
    ];
    const k = this.kernelSize;
    this.kernel = factory.kernel(`${name}/kernel`, name, [k, k, c, filters]);
    this.bias = (options.useBias ?? true) ? factory.bias(`${name}/bias`, name, filters, k * k * c) : undefined;
  }

  apply(x: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    return tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: this.kernel.effective() as tf.Tensor4D,
      strides: this.stride,
      pad: this.pad,
      bias: this.bias?.effective(),
      activation: this.activation,
    });
  }

  parameters(): Parameter[] {
    return this.bias === undefined ? [this.kernel] : [this.kernel, this.bias];
  }

  prepareTask(): void {
    // no per-task state
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias?.dispose();
  }
}
