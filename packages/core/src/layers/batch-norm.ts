import { InvalidArgumentError } from '../errors/retain-error.js';
import { tf } from '../tf.js';
import { checkPositiveInteger } from './conv-shapes.js';
import type { ForwardContext, Layer } from './layer.js';
import type { Parameter } from './parameter.js';
import type { ParameterFactory } from './parameter-factory.js';

/**
 * Whose statistics (and scale/shift) a batch norm keeps: one set per task id
 * (`per-task`, created lazily for a new task) or one set for all (`shared`).
 */
export type BatchNormMode = 'per-task' | 'shared';

/** Options of {@link TaskBatchNorm}. Defaults are PyTorch's. */
export interface BatchNormOptions {
  /** Default 'per-task'. */
  readonly mode?: BatchNormMode;
  /** Learn a scale (gamma) and shift (beta), kept like the statistics. Default true. */
  readonly affine?: boolean;
  /** Weight of the new batch in the running averages. Default 0.1. */
  readonly momentum?: number;
  /** Default 1e-5. */
  readonly epsilon?: number;
  /**
   * Keep running statistics and use them at inference (default true). False
   * normalises with the batch's statistics at inference too, as the reference
   * code of GPM, WSN and Ada-QPacknet does (track_running_stats=False).
   */
  readonly trackRunningStats?: boolean;
}

interface BatchNormSlot {
  readonly gamma: Parameter | undefined;
  readonly beta: Parameter | undefined;
  readonly mean: Parameter | undefined;
  readonly variance: Parameter | undefined;
}

/**
 * Batch normalisation over the last axis (channels of NHWC images, features of
 * [batch, features]) with per-task state. Training mode normalises with the
 * batch's mean and (biased) variance and updates the running statistics of the
 * current task (PyTorch's rule: running = (1 - momentum) running + momentum
 * batch, the variance unbiased); inference normalises with the task's running
 * statistics. The running statistics are non-trainable {@link Parameter}s
 * (saved by getWeights, not counted as parameters).
 */
export class TaskBatchNorm implements Layer {
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly channels: number;
  readonly mode: BatchNormMode;
  readonly affine: boolean;
  readonly momentum: number;
  readonly epsilon: number;
  readonly trackRunningStats: boolean;
  private readonly slots = new Map<number, BatchNormSlot>();
  private readonly factory: ParameterFactory;

  constructor(name: string, inputShape: readonly number[], options: BatchNormOptions, factory: ParameterFactory) {
    if (inputShape.length !== 1 && inputShape.length !== 3) {
      throw new InvalidArgumentError(`${name}.inputShape`, inputShape, 'a per-sample shape [features] or [height, width, channels]');
    }
    this.name = name;
    this.channels = checkPositiveInteger(`${name}.inputShape`, inputShape[inputShape.length - 1]);
    this.outputShape = [...inputShape];
    this.mode = options.mode ?? 'per-task';
    if (this.mode !== 'per-task' && this.mode !== 'shared') throw new InvalidArgumentError(`${name}.mode`, this.mode, "'per-task' or 'shared'");
    this.affine = options.affine ?? true;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new InvalidArgumentError(`${name}.momentum`, this.momentum, 'a number in [0, 1]');
    this.epsilon = options.epsilon ?? 1e-5;
    if (!(this.epsilon > 0)) throw new InvalidArgumentError(`${name}.epsilon`, this.epsilon, 'a positive number');
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.factory = factory;
  }

  /** The task ids that have state so far; in shared mode the one shared set is keyed 0. */
  taskIds(): number[] {
    return [...this.slots.keys()];
  }

  prepareTask(taskId: number): void {
    this.slot(taskId);
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const slot = this.slot(ctx.taskId);
    const shape = x.shape;
    // As [n, 1, 1, C]: tfjs' batchNorm gradient only handles rank-4 inputs with rank-1 statistics.
    const x4 = shape.length === 4 ? (x as tf.Tensor4D) : tf.reshape(x, [shape[0] ?? 0, 1, 1, this.channels]);
    const gamma = slot.gamma?.effective() as tf.Tensor1D | undefined;
    const beta = slot.beta?.effective() as tf.Tensor1D | undefined;
    let y: tf.Tensor;
    if (ctx.training || slot.mean === undefined || slot.variance === undefined) {
      const { mean, variance } = tf.moments(x4, [0, 1, 2]);
      if (ctx.training && slot.mean !== undefined && slot.variance !== undefined) {
        this.updateRunning(slot.mean, slot.variance, mean, variance, x4.size / this.channels);
      }
      y = tf.batchNorm(x4, mean, variance, beta, gamma, this.epsilon);
    } else {
      y = tf.batchNorm(x4, slot.mean.variable as tf.Tensor1D, slot.variance.variable as tf.Tensor1D, beta, gamma, this.epsilon);
    }
    return shape.length === 4 ? y : tf.reshape(y, shape);
  }

  parameters(): Parameter[] {
    const out: Parameter[] = [];
    for (const slot of this.slots.values()) {
      for (const p of [slot.gamma, slot.beta, slot.mean, slot.variance]) if (p !== undefined) out.push(p);
    }
    return out;
  }

  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    this.slots.clear();
  }

  private updateRunning(runningMean: Parameter, runningVariance: Parameter, mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    if (count < 2) {
      throw new InvalidArgumentError(`${this.name}: values per channel in a training batch`, count, 'at least 2 (batch norm needs a batch)');
    }
    const m = this.momentum;
    const unbiased = count / (count - 1);
    // Off the path to the loss: the tape prunes these ops from backprop.
    tf.tidy(() => {
      const newMean = tf.add(tf.mul(runningMean.variable, 1 - m), tf.mul(mean, m));
      const newVariance = tf.add(tf.mul(runningVariance.variable, 1 - m), tf.mul(variance, m * unbiased));
      runningMean.variable.assign(newMean);
      runningVariance.variable.assign(newVariance);
    });
  }

  private slot(taskId: number): BatchNormSlot {
    if (!Number.isInteger(taskId) || taskId < 0) throw new InvalidArgumentError(`${this.name}.taskId`, taskId, 'a non-negative integer');
    const key = this.mode === 'shared' ? 0 : taskId;
    const existing = this.slots.get(key);
    if (existing !== undefined) return existing;
    const prefix = this.mode === 'shared' ? this.name : `${this.name}/task${key}`;
    const task = this.mode === 'shared' ? undefined : key;
    const c = this.channels;
    const f = this.factory;
    const slot: BatchNormSlot = {
      gamma: this.affine ? f.constant(`${prefix}/gamma`, this.name, 'gamma', c, 1, task) : undefined,
      beta: this.affine ? f.constant(`${prefix}/beta`, this.name, 'beta', c, 0, task) : undefined,
      mean: this.trackRunningStats ? f.constant(`${prefix}/runningMean`, this.name, 'runningMean', c, 0, task) : undefined,
      variance: this.trackRunningStats ? f.constant(`${prefix}/runningVariance`, this.name, 'runningVariance', c, 1, task) : undefined,
    };
    this.slots.set(key, slot);
    return slot;
  }
}
