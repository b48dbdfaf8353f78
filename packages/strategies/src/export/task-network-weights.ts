import type { Activation, ModelDescriptor, Padding, PoolKind } from '@retain/core';

/**
 * A fully connected layer: y = act(x · kernel + bias), kernel [inFeatures,
 * units] row-major (Keras' layout). The last layer of a task network is its
 * head (named `head` or `head/task<t>`).
 */
export interface DenseWeights {
  readonly kind: 'dense';
  readonly name: string;
  readonly inFeatures: number;
  readonly units: number;
  readonly activation: Activation;
  /** The effective kernel, [inFeatures, units] row-major. */
  readonly kernel: Float32Array;
  /** The effective bias, [units]; absent for a layer without bias. */
  readonly bias?: Float32Array;
}

/** A 2-D convolution over NHWC images: kernel [kernelSize, kernelSize, inChannels, filters] row-major. */
export interface Conv2dWeights {
  readonly kind: 'conv2d';
  readonly name: string;
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelSize: number;
  readonly stride: number;
  /** 'same' / 'valid' (TensorFlow's rules) or a number of zero pixels added on every side before a 'valid' convolution. */
  readonly padding: Padding;
  readonly activation: Activation;
  readonly kernel: Float32Array;
  readonly bias?: Float32Array;
}

/**
 * Batch normalisation over the last axis with fixed statistics, as at
 * inference: y = (x - mean) / sqrt(variance + epsilon) * gamma + beta.
 */
export interface BatchNormWeights {
  readonly kind: 'batchNorm';
  readonly name: string;
  readonly channels: number;
  readonly epsilon: number;
  /** Scale; absent when the layer is not affine (then 1). */
  readonly gamma?: Float32Array;
  /** Shift; absent when the layer is not affine (then 0). */
  readonly beta?: Float32Array;
  /** The task's running mean. */
  readonly mean: Float32Array;
  /** The task's running (unbiased) variance. */
  readonly variance: Float32Array;
}

/** Max or average pooling with 'valid' windows. */
export interface Pool2dWeights {
  readonly kind: 'pool2d';
  readonly name: string;
  readonly pool: PoolKind;
  readonly poolSize: number;
  readonly stride: number;
}

/** Layers without weights: flatten to [batch, features], mean over height and width, relu, dropout (identity at inference). */
export type StatelessLayerSpec =
  | { readonly kind: 'flatten'; readonly name: string }
  | { readonly kind: 'globalAveragePool'; readonly name: string }
  | { readonly kind: 'relu'; readonly name: string }
  | { readonly kind: 'dropout'; readonly name: string; readonly rate: number };

/**
 * A residual block (ResNet's BasicBlock): output = relu(main(x) + shortcut(x)),
 * each branch a list of layers run in order (an empty shortcut is the identity).
 */
export interface ResidualWeights {
  readonly kind: 'residual';
  readonly name: string;
  /** conv1, [bn1, relu], conv2, [bn2] (conv1 fuses the relu when there is no batch norm). */
  readonly main: readonly TaskLayerWeights[];
  /** [] (identity), or the 1x1 convolution [and its batch norm]. */
  readonly shortcut: readonly TaskLayerWeights[];
}

/** One layer of a task network, in forward order. */
export type TaskLayerWeights = DenseWeights | Conv2dWeights | BatchNormWeights | Pool2dWeights | ResidualWeights | StatelessLayerSpec;

/**
 * A task's network as plain arrays: the layers, in order, with the weights
 * that `predict(x, taskId)` uses (masks applied, weight transforms applied:
 * WSN's task mask, Ada-QPacknet's dequantised weights, BLIP's synced
 * weights), the task's batch-norm statistics and the task's head as the last
 * layer. Running these layers at inference gives predict's logits, up to
 * float rounding, with `allowedClasses` applied.
 */
export interface TaskNetworkWeights {
  /** The strategy's name, for example `packnet`. */
  readonly strategy: string;
  /** The task id as given to predict (undefined where the scenario gives none). */
  readonly taskId: number | undefined;
  /** The network task whose head and batch-norm state were read (0 for a single head outside task-incremental scenarios). */
  readonly networkTask: number;
  /** The network's descriptor (zoo name, options, heads). */
  readonly model: ModelDescriptor;
  /** Per-sample input shape, for example [28, 28, 1] or [784]. */
  readonly inputShape: readonly number[];
  /** Body then head, in forward order; the last is the head (a dense layer). */
  readonly layers: readonly TaskLayerWeights[];
  /** Outputs of the head. */
  readonly classes: number;
  /**
   * Single head with class masking at prediction: the only classes predict can
   * return; every other logit is -Infinity in predict's output. Undefined: no masking.
   */
  readonly allowedClasses?: readonly number[];
}
