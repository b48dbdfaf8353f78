import { applyAdam, InvalidArgumentError, tf } from '@retain/core';

/**
 * Optimiser settings. `sgd` with `momentum` > 0 is tfjs' MomentumOptimizer
 * (PyTorch's SGD with momentum and dampening 0: v = m v + g, w -= lr v);
 * `adam` is Adam in tfjs' AdamOptimizer formulation (epsilon default 1e-8 as
 * PyTorch, not tfjs' backend epsilon 1e-7), applied per variable with core's
 * `applyAdam` (one fused in-place pass on wasm with the native addon).
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

/** Adam's moments of one variable. */
interface AdamMoments {
  readonly first: tf.Variable;
  readonly second: tf.Variable;
}

/**
 * An optimiser whose learning rate can change between steps. Create one per
 * training phase: Adam keeps moments per variable, and moments left from
 * another trainable set would move weights whose gradient is now zero.
 * SGD (with momentum) is tfjs' own optimiser; Adam is ours over core's
 * `applyAdam` (the same formula as tfjs' AdamOptimizer, moments kept by
 * variable name, one fused in-place pass per variable on wasm with the native
 * addon instead of ~12 element-wise kernels).
 */
export class ManagedOptimizer {
  readonly config: OptimizerConfig;
  /** tfjs' optimiser for `sgd`; undefined for `adam` (ours). */
  readonly optimizer: tf.Optimizer | undefined;
  private lr: number;
  private readonly moments = new Map<string, AdamMoments>();
  private step = 0;

  constructor(config: OptimizerConfig) {
    checkOptimizerConfig(config);
    this.config = config;
    this.lr = config.learningRate;
    if (config.kind === 'sgd') {
      const m = config.momentum ?? 0;
      this.optimizer = m > 0 ? tf.train.momentum(config.learningRate, m, config.nesterov ?? false) : tf.train.sgd(config.learningRate);
    } else {
      this.optimizer = undefined;
    }
  }

  /** The learning rate in use. */
  get learningRate(): number {
    return this.lr;
  }

  /** Adam steps taken so far (0 for SGD). */
  get steps(): number {
    return this.step;
  }

  /** Sets the learning rate for the following steps. */
  setLearningRate(lr: number): void {
    checkPositive('learningRate', lr);
    this.lr = lr;
    // MomentumOptimizer extends SGDOptimizer; setLearningRate rebuilds its cached lr scalar.
    // (Not `instanceof`: tfjs optimisers duck-type Symbol.hasInstance.)
    if (this.optimizer !== undefined) (this.optimizer as tf.SGDOptimizer).setLearningRate(lr);
  }

  /**
   * Applies one step to the named variables (registered tfjs variables) with
   * `grads`; each gradient's shape must be its variable's. A gradient's 0/1
   * `mask` is applied in the update (a parameter's trainable mask set with
   * `trainableIn: 'optimizer'`): inside the fused Adam pass, or multiplied in
   * before tfjs' SGD.
   */
  apply(grads: readonly { readonly name: string; readonly tensor: tf.Tensor; readonly mask?: tf.Tensor | undefined }[]): void {
    const optimizer = this.optimizer;
    if (optimizer !== undefined) {
      tf.tidy(() => optimizer.applyGradients(grads.map((g) => ({ name: g.name, tensor: g.mask === undefined ? g.tensor : tf.mul(g.tensor, g.mask) }))));
      return;
    }
    const config = this.config as Extract<OptimizerConfig, { kind: 'adam' }>;
    this.step += 1;
    const registered = tf.engine().registeredVariables;
    for (const { name, tensor, mask } of grads) {
      const variable = registered[name];
      if (variable === undefined) throw new InvalidArgumentError('optimizer gradient name', name, 'the name of a registered variable');
      let moments = this.moments.get(name);
      if (moments === undefined) {
        moments = tf.tidy(() => ({
          first: tf.variable(tf.zerosLike(variable), false),
          second: tf.variable(tf.zerosLike(variable), false),
        }));
        this.moments.set(name, moments);
      }
      applyAdam(variable, moments.first, moments.second, tensor, {
        learningRate: this.lr,
        beta1: config.beta1 ?? 0.9,
        beta2: config.beta2 ?? 0.999,
        epsilon: config.epsilon ?? 1e-8,
        step: this.step,
      }, mask);
    }
  }

  /** Frees the optimiser's state (moments, cached scalars). */
  dispose(): void {
    this.optimizer?.dispose();
    for (const { first, second } of this.moments.values()) tf.dispose([first, second]);
    this.moments.clear();
  }
}
