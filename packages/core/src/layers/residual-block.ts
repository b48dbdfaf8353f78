import { tf } from '../tf.js';
import { TaskBatchNorm, type BatchNormOptions } from './batch-norm.js';
import { checkImageShape, checkPositiveInteger } from './conv-shapes.js';
import { MaskedConv2d } from './conv2d.js';
import type { ForwardContext, Layer } from './layer.js';
import type { Parameter } from './parameter.js';
import type { ParameterFactory } from './parameter-factory.js';

/** Options of {@link ResidualBlock}. */
export interface ResidualBlockOptions {
  readonly filters: number;
  /** Stride of the first convolution and of the shortcut. Default 1. */
  readonly stride?: number;
  /** Batch norm after each convolution; undefined for none. */
  readonly batchNorm?: BatchNormOptions;
  /** Biases on the convolutions. Default false (the batch norm's shift plays that role). */
  readonly useBias?: boolean;
}

/**
 * ResNet's BasicBlock (He et al. 2016) over NHWC images:
 * relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), 3x3 convolutions with
 * one pixel of zero padding (PyTorch's padding=1), the first with the block's
 * stride; the shortcut is the identity, or a 1x1 convolution with the stride
 * plus batch norm when the shape changes. Its layers are named
 * `<name>/conv1`, `<name>/bn1`, `<name>/conv2`, `<name>/bn2`,
 * `<name>/shortcut/conv`, `<name>/shortcut/bn`.
 */
export class ResidualBlock implements Layer {
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly conv1: MaskedConv2d;
  readonly bn1: TaskBatchNorm | undefined;
  readonly conv2: MaskedConv2d;
  readonly bn2: TaskBatchNorm | undefined;
  readonly shortcutConv: MaskedConv2d | undefined;
  readonly shortcutBn: TaskBatchNorm | undefined;

  constructor(name: string, inputShape: readonly number[], options: ResidualBlockOptions, factory: ParameterFactory) {
    const [, , c] = checkImageShape(`${name}.inputShape`, inputShape);
    this.name = name;
    const filters = checkPositiveInteger(`${name}.filters`, options.filters);
    const stride = checkPositiveInteger(`${name}.stride`, options.stride ?? 1);
    const useBias = options.useBias ?? false;
    const bn = options.batchNorm;
    const fuseRelu = bn === undefined ? 'relu' : 'linear';
    this.conv1 = new MaskedConv2d(`${name}/conv1`, inputShape, { filters, kernelSize: 3, stride, padding: 1, useBias, activation: fuseRelu }, factory);
    this.bn1 = bn === undefined ? undefined : new TaskBatchNorm(`${name}/bn1`, this.conv1.outputShape, bn, factory);
    this.conv2 = new MaskedConv2d(`${name}/conv2`, this.conv1.outputShape, { filters, kernelSize: 3, padding: 1, useBias }, factory);
    this.bn2 = bn === undefined ? undefined : new TaskBatchNorm(`${name}/bn2`, this.conv2.outputShape, bn, factory);
    if (stride !== 1 || c !== filters) {
      this.shortcutConv = new MaskedConv2d(`${name}/shortcut/conv`, inputShape, { filters, kernelSize: 1, stride, useBias }, factory);
      this.shortcutBn = bn === undefined ? undefined : new TaskBatchNorm(`${name}/shortcut/bn`, this.shortcutConv.outputShape, bn, factory);
    }
    this.outputShape = this.conv2.outputShape;
  }

  /** The block's own layers, in order (conv1, bn1, conv2, bn2, shortcut conv, shortcut bn). */
  layers(): Layer[] {
    return [this.conv1, this.bn1, this.conv2, this.bn2, this.shortcutConv, this.shortcutBn].filter((l): l is NonNullable<typeof l> => l !== undefined);
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let out = this.conv1.apply(x);
    if (this.bn1 !== undefined) out = tf.relu(this.bn1.apply(out, ctx));
    out = this.conv2.apply(out);
    if (this.bn2 !== undefined) out = this.bn2.apply(out, ctx);
    let shortcut = x;
    if (this.shortcutConv !== undefined) {
      shortcut = this.shortcutConv.apply(x);
      if (this.shortcutBn !== undefined) shortcut = this.shortcutBn.apply(shortcut, ctx);
    }
    return tf.relu(tf.add(out, shortcut));
  }

  parameters(): Parameter[] {
    return this.layers().flatMap((l) => l.parameters());
  }

  prepareTask(taskId: number): void {
    for (const l of this.layers()) l.prepareTask(taskId);
  }

  dispose(): void {
    for (const l of this.layers()) l.dispose();
  }
}
