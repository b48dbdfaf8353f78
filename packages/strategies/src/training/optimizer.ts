import { InvalidArgumentError, tf } from '@retain/core';

/**
 * Optimiser settings. `sgd` with `momentum` > 0 is tfjs' MomentumOptimizer
 * (PyTorch's SGD with momentum and dampening 0: v = m v + g, w -= lr v);
 * `adam` is tfjs' AdamOptimizer (epsilon default 1e-8 as PyTorch, not tfjs'
 * backend epsilon 1e-7).
 */
export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly learningRate: number; readonly momentum?: number; readonly nesterov?: boolean }
  | { readonly kind: 'adam'; readonly learningRate: number; readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number };

function checkPositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(field, value, 'a positive finite number');
}

/** Throws InvalidArgumentError for settings outside their ranges. */
export function checkOptimizerConfig(config: OptimizerConfig, field = 'optimizer'): void {
  checkPositive(`${field}.learningRate`, config.learningRate);
  if (config.kind === 'sgd') {
    const m = config.momentum ?? 0;
    if (!Number.isFinite(m) || m < 0 || m >= 1) throw new InvalidArgumentError(`${field}.momentum`, m, 'a number in [0, 1)');
  } else if (config.kind === 'adam') {
    for (const [name, v] of [['beta1', config.beta1 ?? 0.9], ['beta2', config.beta2 ?? 0.999]] as const) {
      if (!Number.isFinite(v) || v < 0 || v >= 1) throw new InvalidArgumentError(`${field}.${name}`, v, 'a number in [0, 1)');
    }
    checkPositive(`${field}.epsilon`, config.epsilon ?? 1e-8);
  } else {
    throw new InvalidArgumentError(`${field}.kind`, (config as { kind: unknown }).kind, "'sgd' or 'adam'");
  }
}

/**
 * A tfjs optimiser whose learning rate can change between steps. Create one
 * per training phase: tfjs' Adam keeps its moments by the position of each
 * variable in the gradient list, and moments left from another trainable set
 * would move weights whose gradient is now zero.
 */
export class ManagedOptimizer {
  readonly config: OptimizerConfig;
  readonly optimizer: tf.Optimizer;
  private lr: number;

  constructor(config: OptimizerConfig) {
    checkOptimizerConfig(config);
    this.config = config;
    this.lr = config.learningRate;
    if (config.kind === 'sgd') {
      const m = config.momentum ?? 0;
      this.optimizer = m > 0 ? tf.train.momentum(config.learningRate, m, config.nesterov ?? false) : tf.train.sgd(config.learningRate);
    } else {
      this.optimizer = tf.train.adam(config.learningRate, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.epsilon ?? 1e-8);
    }
  }

  /** The learning rate in use. */
  get learningRate(): number {
    return this.lr;
  }

  /** Sets the learning rate for the following steps. */
  setLearningRate(lr: number): void {
    checkPositive('learningRate', lr);
    this.lr = lr;
    if (this.config.kind === 'sgd') {
      // MomentumOptimizer extends SGDOptimizer; setLearningRate rebuilds its cached lr scalar.
      // (Not `instanceof`: tfjs optimisers duck-type Symbol.hasInstance, so Adam passes it.)
      (this.optimizer as tf.SGDOptimizer).setLearningRate(lr);
    } else {
      // AdamOptimizer reads its (protected) learningRate field on every applyGradients call.
      (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
    }
  }

  /** Applies one step; `grads` in a fixed variable order (tfjs' Adam indexes its moments by position). */
  apply(grads: readonly { readonly name: string; readonly tensor: tf.Tensor }[]): void {
    this.optimizer.applyGradients(grads.map((g) => ({ name: g.name, tensor: g.tensor })));
  }

  /** Frees the optimiser's state (moments, cached scalars). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
