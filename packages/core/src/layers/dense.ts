import { InvalidArgumentError } from '../errors/retain-error.js';
import { tf } from '../tf.js';
import { checkPositiveInteger } from './conv-shapes.js';
import type { Activation, ForwardContext, Layer } from './layer.js';
import type { Parameter } from './parameter.js';
import type { ParameterFactory } from './parameter-factory.js';

/** Options of {@link MaskedDense}. */
export interface DenseOptions {
  readonly units: number;
  /** Default 'linear'. */
  readonly activation?: Activation;
  /** Default true. */
  readonly useBias?: boolean;
  /** Set for a per-task layer (a task's head). */
  readonly taskId?: number;
}

/**
 * A fully connected layer over [batch, features] whose kernel ([in, out],
 * Keras' layout) and bias are {@link Parameter}s that a strategy can mask or
 * transform. Forward: one fused matMul + bias (+ relu).
 */
export class MaskedDense implements Layer {
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly inFeatures: number;
  readonly units: number;
  readonly activation: Activation;
  readonly kernel: Parameter;
  readonly bias: Parameter | undefined;

  constructor(name: string, inputShape: readonly number[], options: DenseOptions, factory: ParameterFactory) {
    if (inputShape.length !== 1) {
      throw new InvalidArgumentError(`${name}.inputShape`, inputShape, 'a flat per-sample shape [features] (flatten first)');
    }
    this.name = name;
    this.inFeatures = checkPositiveInteger(`${name}.inputShape[0]`, inputShape[0]);
    this.units = checkPositiveInteger(`${name}.units`, options.units);
    this.activation = options.activation ?? 'linear';
    this.outputShape = [this.units];
    this.kernel = factory.kernel(`${name}/kernel`, name, [this.inFeatures, this.units], options.taskId);
    this.bias = (options.useBias ?? true) ? factory.bias(`${name}/bias`, name, this.units, this.inFeatures, options.taskId) : undefined;
  }

  apply(x: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    return tf.fused.matMul({
      a: x as tf.Tensor2D,
      b: this.kernel.effective() as tf.Tensor2D,
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
