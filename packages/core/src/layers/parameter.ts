import { InvalidArgumentError } from '../errors/retain-error.js';
import { tf } from '../tf.js';
import { DisposedError } from './layer-errors.js';
import { isAllOnes, maskedWeightFn, type EffectiveWeightFn } from './masked-weight.js';

/**
 * What a parameter is for. `runningMean` and `runningVariance` are batch-norm
 * statistics: state saved with the weights, never trained, not counted as parameters.
 */
export type ParameterRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVariance';

/** Describes a parameter: its unique name, the layer that holds it and, for per-task state, the task. */
export interface ParameterSpec {
  /** Unique in its network, for example `dense1/kernel` or `bn1/task2/gamma`. */
  readonly name: string;
  /** The layer that holds it, for example `dense1` or `head/task2`. */
  readonly layer: string;
  readonly role: ParameterRole;
  readonly shape: readonly number[];
  /** Set for per-task parameters (a task's head, a task's batch-norm state); undefined when shared by all tasks. */
  readonly taskId?: number;
}

/**
 * Per-weight 0/1 float32 masks of a parameter's shape, set by a strategy.
 * `visible`: which weights take part in the forward pass (PackNet for task t:
 * owners 1..t). `trainable`: which weights receive gradient; it must be a
 * subset of `visible` (not checked: that would need a data sync).
 */
export interface ParameterMasks {
  readonly visible?: tf.Tensor;
  readonly trainable?: tf.Tensor;
  /**
   * Where `trainable` is applied. 'gradient' (default): the backward pass
   * multiplies the weight's gradient by it, so every gradient computed through
   * the parameter is masked. 'optimizer': the backward pass leaves it out (with
   * an all-ones or no visible mask the effective weight is the variable itself:
   * no op) and the optimiser applies {@link Parameter.optimizerMask} in its
   * update instead (@retain/strategies' training step does, in the fused Adam
   * pass on wasm with core's native addon): the same updates, one multiply over
   * the kernel fewer per step. Only for parameters whose gradients are consumed
   * by that training step alone.
   */
  readonly trainableIn?: 'gradient' | 'optimizer';
}

/**
 * A strategy-defined effective weight that replaces the masks of a parameter
 * (WSN's top-c% of scores with a straight-through gradient, Ada-QPacknet's or
 * BLIP's dequantised weights). `apply` runs in every forward pass, under the
 * gradient tape, so it must build only what depends on the weight: keep
 * precomputed tensors in its closure.
 */
export interface WeightTransform {
  /** Returns the effective weight, of the stored weight's shape. */
  readonly apply: (weight: tf.Variable) => tf.Tensor;
  /** Extra variables `apply` reads that should be trained (WSN's scores); listed by trainableVariables(). */
  readonly variables?: readonly tf.Variable[];
  /** Frees what the transform holds; called when the transform is replaced or cleared, or the parameter disposed. */
  readonly dispose?: () => void;
}

function checkMask(parameter: string, field: 'visible' | 'trainable', mask: tf.Tensor | undefined, shape: readonly number[]): void {
  if (mask === undefined) return;
  if (!(mask instanceof tf.Tensor) || mask.isDisposed) {
    throw new InvalidArgumentError(`${parameter}.${field}`, mask, 'a live tf.Tensor');
  }
  if (mask.dtype !== 'float32') throw new InvalidArgumentError(`${parameter}.${field}.dtype`, mask.dtype, 'float32 (0/1 values)');
  if (mask.shape.length !== shape.length || mask.shape.some((d, i) => d !== shape[i])) {
    throw new InvalidArgumentError(`${parameter}.${field}.shape`, mask.shape, `the parameter's shape [${shape.join(', ')}]`);
  }
}

/**
 * One named parameter of a network: a tf.Variable plus the strategy's masks
 * or weight transform. Ownership: the parameter OWNS the mask tensors given to
 * {@link Parameter.setMasks} (it tf.keep()s them so a surrounding tidy cannot
 * free them, and disposes them when they are replaced, cleared or the
 * parameter disposed) and calls the `dispose` hook of a transform given to
 * {@link Parameter.setTransform} likewise. Give each parameter its own mask
 * tensors; to share one, pass clones.
 */
export class Parameter {
  readonly name: string;
  readonly layer: string;
  readonly role: ParameterRole;
  readonly shape: readonly number[];
  readonly size: number;
  readonly taskId: number | undefined;
  /** The stored weight. */
  readonly variable: tf.Variable;
  private visible: tf.Tensor | undefined;
  private trainable: tf.Tensor | undefined;
  private trainableInOptimizer = false;
  private masked: EffectiveWeightFn | undefined;
  private transformValue: WeightTransform | undefined;
  private disposedFlag = false;

  /** Creates the variable from `values` (copied), trainable unless it is batch-norm running statistics. */
  constructor(spec: ParameterSpec, values: Float32Array) {
    this.name = spec.name;
    this.layer = spec.layer;
    this.role = spec.role;
    this.shape = [...spec.shape];
    this.size = this.shape.reduce((a, b) => a * b, 1);
    this.taskId = spec.taskId;
    if (values.length !== this.size) {
      throw new InvalidArgumentError(`${spec.name}.values.length`, values.length, `${this.size} (shape [${this.shape.join(', ')}])`);
    }
    const initial = tf.tensor(values, [...this.shape], 'float32');
    this.variable = tf.variable(initial, this.learnable);
    initial.dispose();
  }

  /** Whether this is a trained parameter (false for batch-norm running statistics). */
  get learnable(): boolean {
    return this.role !== 'runningMean' && this.role !== 'runningVariance';
  }

  /**
   * A frozen parameter is left out of trainableVariables() and skipped by
   * tf.variableGrads / optimizer.minimize even when listed (it sets
   * variable.trainable). For example PackNet's biases after the first task.
   */
  get frozen(): boolean {
    return !this.variable.trainable;
  }

  set frozen(value: boolean) {
    if (!value && !this.learnable) throw new InvalidArgumentError(`${this.name}.frozen`, value, 'true: running statistics are never trained');
    this.variable.trainable = !value;
  }

  /** The visible mask now set, if any (owned by this parameter: do not dispose it). */
  get visibleMask(): tf.Tensor | undefined {
    return this.visible;
  }

  /** The trainable mask now set, if any (owned by this parameter: do not dispose it). */
  get trainableMask(): tf.Tensor | undefined {
    return this.trainable;
  }

  /**
   * The trainable mask the optimiser must apply to this parameter's gradient
   * (set with `trainableIn: 'optimizer'`), else undefined (owned by this
   * parameter: do not dispose it).
   */
  get optimizerMask(): tf.Tensor | undefined {
    return this.trainableInOptimizer ? this.trainable : undefined;
  }

  /** The weight transform now set, if any. */
  get transform(): WeightTransform | undefined {
    return this.transformValue;
  }

  /** Whether the parameter was disposed. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * Sets both masks (an omitted one is cleared) and drops any transform. The
   * parameter takes ownership of the tensors (see the class comment); on a
   * validation error nothing changes and the caller keeps them. Each mask is
   * checked once for being all ones (one reduction and a one-value data sync
   * per mask, here and never per step): such a mask adds no multiply to the
   * forward or backward pass (see {@link maskedWeightFn}).
   */
  setMasks(masks: ParameterMasks): void {
    this.checkLive();
    checkMask(this.name, 'visible', masks.visible, this.shape);
    checkMask(this.name, 'trainable', masks.trainable, this.shape);
    const where = masks.trainableIn ?? 'gradient';
    if (where !== 'gradient' && where !== 'optimizer') throw new InvalidArgumentError(`${this.name}.trainableIn`, where, "'gradient' or 'optimizer'");
    const keep = new Set([masks.visible, masks.trainable]);
    this.release(keep);
    if (masks.visible !== undefined) tf.keep(masks.visible);
    if (masks.trainable !== undefined) tf.keep(masks.trainable);
    this.visible = masks.visible;
    this.trainable = masks.trainable;
    this.trainableInOptimizer = where === 'optimizer' && masks.trainable !== undefined;
    const inGradient = this.trainableInOptimizer ? undefined : masks.trainable;
    this.masked = maskedWeightFn(masks.visible, inGradient, {
      visibleAllOnes: masks.visible !== undefined && isAllOnes(masks.visible),
      trainableAllOnes: inGradient !== undefined && isAllOnes(inGradient),
    });
  }

  /** Replaces masks (disposed) and any previous transform (its dispose hook called) by `transform`. */
  setTransform(transform: WeightTransform | ((weight: tf.Variable) => tf.Tensor)): void {
    this.checkLive();
    const value: WeightTransform = typeof transform === 'function' ? { apply: transform } : transform;
    if (typeof value.apply !== 'function') throw new InvalidArgumentError(`${this.name}.transform.apply`, value.apply, 'a function');
    if (value === this.transformValue) return;
    this.release(new Set());
    this.transformValue = value;
  }

  /** Removes masks and transform, disposing them; the forward pass then uses the stored weight directly. */
  clearMasks(): void {
    this.checkLive();
    this.release(new Set());
  }

  /**
   * The weight the forward pass uses. With neither masks nor transform (or
   * only masks that are all ones) this is the variable itself: no op is added.
   */
  effective(): tf.Tensor {
    this.checkLive();
    if (this.transformValue !== undefined) return this.transformValue.apply(this.variable);
    if (this.masked !== undefined) return this.masked(this.variable);
    return this.variable;
  }

  /** A copy of the stored values (a data sync: not for the hot path). */
  read(): Float32Array {
    this.checkLive();
    return Float32Array.from(this.variable.dataSync() as Float32Array);
  }

  /** Overwrites the stored values. */
  write(values: Float32Array): void {
    this.checkLive();
    if (!(values instanceof Float32Array) || values.length !== this.size) {
      throw new InvalidArgumentError(`${this.name}.values`, values, `a Float32Array of ${this.size} values`);
    }
    const t = tf.tensor(values, [...this.shape], 'float32');
    this.variable.assign(t);
    t.dispose();
  }

  /** Disposes the variable, the masks and the transform. Idempotent. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.release(new Set());
    this.variable.dispose();
    this.disposedFlag = true;
  }

  private release(keep: ReadonlySet<tf.Tensor | undefined>): void {
    for (const mask of new Set([this.visible, this.trainable])) {
      if (mask !== undefined && !keep.has(mask)) mask.dispose();
    }
    this.visible = undefined;
    this.trainable = undefined;
    this.trainableInOptimizer = false;
    this.masked = undefined;
    const transform = this.transformValue;
    this.transformValue = undefined;
    transform?.dispose?.();
  }

  private checkLive(): void {
    if (this.disposedFlag) throw new DisposedError(`parameter ${this.name}`);
  }
}
