import { InvalidArgumentError } from '../errors/retain-error.js';
import { tf } from '../tf.js';
import type { ForwardContext, Layer } from './layer.js';
import { DisposedError, UnknownParameterError } from './layer-errors.js';
import { MODEL_DESCRIPTOR_FORMAT, MODEL_DESCRIPTOR_VERSION, type JsonValue, type ModelDescriptor } from './model-descriptor.js';
import type { Parameter } from './parameter.js';
import type { TaskHeads } from './task-heads.js';

/** What a {@link MaskedNetwork} is built from (the zoo builds these). */
export interface MaskedNetworkConfig {
  /** Per-sample input shape, for example [28, 28, 1] or [784]. */
  readonly inputShape: readonly number[];
  /** The body, applied in order; its output must be flat [features]. */
  readonly layers: readonly Layer[];
  readonly heads: TaskHeads;
  /** The zoo name and resolved options, for {@link MaskedNetwork.descriptor}. */
  readonly architecture: { readonly zoo: string; readonly options: { readonly [key: string]: JsonValue } };
}

/** Weights by parameter name. */
export type NamedWeights = ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>;

/**
 * A sequential network of masked layers plus per-task or shared heads: the
 * model every retain strategy trains. `apply` runs inside tf.tidy (only the
 * logits survive), never syncs data, and with no masks set adds no op beyond
 * the layers' own.
 */
export class MaskedNetwork {
  readonly inputShape: readonly number[];
  readonly layers: readonly Layer[];
  readonly heads: TaskHeads;
  private readonly architecture: MaskedNetworkConfig['architecture'];
  private disposedFlag = false;

  constructor(config: MaskedNetworkConfig) {
    this.inputShape = [...config.inputShape];
    this.layers = [...config.layers];
    this.heads = config.heads;
    this.architecture = config.architecture;
    const last = this.layers[this.layers.length - 1]?.outputShape ?? this.inputShape;
    if (last.length !== 1 || last[0] !== config.heads.inFeatures) {
      throw new InvalidArgumentError('layers', last, `a body whose output is [${config.heads.inFeatures}], the heads' input`);
    }
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Logits [batch, classes of the task's head] for a batch [batch, ...inputShape]. Defaults: task 0, inference. */
  apply(x: tf.Tensor, ctx: Partial<ForwardContext> = {}): tf.Tensor {
    const context = this.context(ctx);
    this.checkInput(x);
    const head = this.heads.head(context.taskId);
    return tf.tidy(() => head.apply(this.runBody(x, context)));
  }

  /** The body's output (the heads' input features) for a batch. */
  features(x: tf.Tensor, ctx: Partial<ForwardContext> = {}): tf.Tensor {
    const context = this.context(ctx);
    this.checkInput(x);
    return tf.tidy(() => this.runBody(x, context));
  }

  /** Adds task `taskId`'s head (multi-head) and creates its per-task batch-norm state. */
  addHead(taskId: number, classes: number): void {
    this.checkLive();
    this.heads.addHead(taskId, classes);
    this.prepareTask(taskId);
  }

  /** Creates the per-task state of `taskId` (batch norm) if missing. Heads are added with addHead. */
  prepareTask(taskId: number): void {
    this.checkLive();
    for (const layer of this.layers) layer.prepareTask(taskId);
  }

  /** Every parameter by name, body first then heads, including batch-norm running statistics. */
  parameters(): Map<string, Parameter> {
    this.checkLive();
    const out = new Map<string, Parameter>();
    for (const layer of this.layers) for (const p of layer.parameters()) out.set(p.name, p);
    for (const p of this.heads.parameters()) out.set(p.name, p);
    return out;
  }

  /** The parameter called `name`. */
  parameter(name: string): Parameter {
    const p = this.parameters().get(name);
    if (p === undefined) throw new UnknownParameterError(name, 'see MaskedNetwork.parameters()');
    return p;
  }

  /** Every variable by parameter name. */
  variables(): Map<string, tf.Variable> {
    return new Map([...this.parameters()].map(([name, p]) => [name, p.variable]));
  }

  /**
   * The variables to hand to optimizer.minimize / tf.variableGrads when
   * training task `taskId`: shared learnable parameters that are not frozen,
   * those of the task itself (its head and batch-norm scale/shift; created if
   * missing, except the head), and the extra variables of weight transforms.
   */
  trainableVariables(taskId: number): tf.Variable[] {
    this.prepareTask(taskId);
    this.heads.head(taskId);
    const out = new Set<tf.Variable>();
    for (const p of this.parameters().values()) {
      if (!p.learnable || (p.taskId !== undefined && p.taskId !== taskId)) continue;
      if (!p.frozen) out.add(p.variable);
      for (const v of p.transform?.variables ?? []) if (v.trainable) out.add(v);
    }
    return [...out];
  }

  /** Number of learnable values (running statistics excluded): all, or those task `taskId` uses (shared + its own). */
  countParameters(taskId?: number): number {
    let n = 0;
    for (const p of this.parameters().values()) {
      if (p.learnable && (taskId === undefined || p.taskId === undefined || p.taskId === taskId)) n += p.size;
    }
    return n;
  }

  /** Number of learnable values per layer name (for example `conv1`, `stage2/block0/bn1`, `head/task3`). */
  countParametersByLayer(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.parameters().values()) {
      if (p.learnable) out.set(p.layer, (out.get(p.layer) ?? 0) + p.size);
    }
    return out;
  }

  /** Copies of every parameter's values (running statistics included), by name: a checkpoint. Syncs data. */
  getWeights(): Map<string, Float32Array> {
    return new Map([...this.parameters()].map(([name, p]) => [name, p.read()]));
  }

  /**
   * Writes values by name (a subset is fine). Per-task batch-norm state named
   * for a task not seen yet (`.../task<t>/...`) is created first; heads must
   * exist (rebuild from the descriptor). Every name and size is checked before
   * anything is written.
   */
  setWeights(weights: NamedWeights): void {
    this.checkLive();
    const entries = weights instanceof Map ? [...weights.entries()] : Object.entries(weights);
    let params = this.parameters();
    for (const [name] of entries) {
      const task = /\/task(\d+)\//.exec(name);
      if (!params.has(name) && task?.[1] !== undefined) this.prepareTask(Number(task[1]));
    }
    params = this.parameters();
    const resolved = entries.map(([name, values]) => {
      const p = params.get(name);
      if (p === undefined) throw new UnknownParameterError(name, 'not in this network: rebuild it from its descriptor first');
      if (!(values instanceof Float32Array) || values.length !== p.size) {
        throw new InvalidArgumentError(`weights[${JSON.stringify(name)}]`, values, `a Float32Array of ${p.size} values`);
      }
      return [p, values] as const;
    });
    for (const [p, values] of resolved) p.write(values);
  }

  /** Removes (and disposes) the masks and transforms of every parameter. */
  clearMasks(): void {
    for (const p of this.parameters().values()) p.clearMasks();
  }

  /** The architecture as JSON: rebuild it with createModelFromDescriptor. */
  descriptor(): ModelDescriptor {
    this.checkLive();
    const heads = this.heads.multiHead
      ? this.heads.taskIds().map((taskId) => ({ taskId, classes: this.heads.classes(taskId) }))
      : [{ taskId: 0, classes: this.heads.classes(0) }];
    return {
      format: MODEL_DESCRIPTOR_FORMAT,
      version: MODEL_DESCRIPTOR_VERSION,
      zoo: this.architecture.zoo,
      options: structuredClone(this.architecture.options),
      heads,
    };
  }

  /** Disposes every variable, mask and transform. Idempotent. */
  dispose(): void {
    if (this.disposedFlag) return;
    for (const layer of this.layers) layer.dispose();
    this.heads.dispose();
    this.disposedFlag = true;
  }

  private runBody(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.apply(h, ctx);
    return h;
  }

  private context(ctx: Partial<ForwardContext>): ForwardContext {
    this.checkLive();
    const taskId = ctx.taskId ?? 0;
    if (!Number.isInteger(taskId) || taskId < 0) throw new InvalidArgumentError('taskId', taskId, 'a non-negative integer');
    return { taskId, training: ctx.training ?? false };
  }

  private checkInput(x: tf.Tensor): void {
    const s = x.shape;
    if (s.length !== this.inputShape.length + 1 || this.inputShape.some((d, i) => s[i + 1] !== d)) {
      throw new InvalidArgumentError('x.shape', s, `[batch, ${this.inputShape.join(', ')}]`);
    }
  }

  private checkLive(): void {
    if (this.disposedFlag) throw new DisposedError('MaskedNetwork');
  }
}
