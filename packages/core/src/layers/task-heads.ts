import { InvalidArgumentError } from '../errors/retain-error.js';
import type { tf } from '../tf.js';
import { checkPositiveInteger } from './conv-shapes.js';
import { MaskedDense } from './dense.js';
import { UnknownTaskError } from './layer-errors.js';
import type { Parameter } from './parameter.js';
import type { ParameterFactory } from './parameter-factory.js';

/** Options of {@link TaskHeads}. */
export type TaskHeadsOptions =
  | { readonly multiHead: true; readonly useBias?: boolean }
  | { readonly multiHead: false; readonly numClasses: number; readonly useBias?: boolean };

/**
 * The output layer(s) of a network. Multi-head: one dense head per task id
 * (`head/task<t>`, parameters marked with that task), added with
 * {@link TaskHeads.addHead}, chosen by the task id. Single head: one dense
 * layer (`head`) shared by every task.
 */
export class TaskHeads {
  readonly multiHead: boolean;
  readonly inFeatures: number;
  readonly useBias: boolean;
  private readonly heads = new Map<number, MaskedDense>();
  private readonly factory: ParameterFactory;

  constructor(inputShape: readonly number[], options: TaskHeadsOptions, factory: ParameterFactory) {
    if (inputShape.length !== 1) throw new InvalidArgumentError('heads.inputShape', inputShape, 'a flat per-sample shape [features]');
    this.inFeatures = checkPositiveInteger('heads.inputShape[0]', inputShape[0]);
    this.multiHead = options.multiHead;
    this.useBias = options.useBias ?? true;
    this.factory = factory;
    if (!options.multiHead) {
      const units = checkPositiveInteger('numClasses', options.numClasses);
      this.heads.set(0, new MaskedDense('head', inputShape, { units, useBias: this.useBias }, factory));
    }
  }

  /** Adds task `taskId`'s head with `classes` outputs (multi-head only; a task has one head). */
  addHead(taskId: number, classes: number): MaskedDense {
    if (!this.multiHead) throw new InvalidArgumentError('addHead', taskId, 'a multi-head network (this one has a single shared head)');
    if (!Number.isInteger(taskId) || taskId < 0) throw new InvalidArgumentError('taskId', taskId, 'a non-negative integer');
    if (this.heads.has(taskId)) throw new InvalidArgumentError('taskId', taskId, 'a task without a head (this one has one)');
    const units = checkPositiveInteger(`classes of task ${taskId}`, classes);
    const head = new MaskedDense(`head/task${taskId}`, [this.inFeatures], { units, useBias: this.useBias, taskId }, this.factory);
    this.heads.set(taskId, head);
    return head;
  }

  /** Whether task `taskId` has an output (always true for a single head). */
  hasHead(taskId: number): boolean {
    return !this.multiHead || this.heads.has(taskId);
  }

  /** The head task `taskId` uses. */
  head(taskId: number): MaskedDense {
    const head = this.heads.get(this.multiHead ? taskId : 0);
    if (head === undefined) throw new UnknownTaskError('heads', taskId, 'add its head first with addHead(taskId, classes)');
    return head;
  }

  /** Output width for task `taskId`. */
  classes(taskId: number): number {
    return this.head(taskId).units;
  }

  /** Task ids with a head, ascending (multi-head); [] for a single head. */
  taskIds(): number[] {
    return this.multiHead ? [...this.heads.keys()].sort((a, b) => a - b) : [];
  }

  /** Every head's layer. */
  layers(): MaskedDense[] {
    return [...this.heads.values()];
  }

  /** Logits of task `taskId`'s head. */
  apply(features: tf.Tensor, taskId: number): tf.Tensor {
    return this.head(taskId).apply(features);
  }

  /** Parameters of every head. */
  parameters(): Parameter[] {
    return this.layers().flatMap((h) => h.parameters());
  }

  /** Disposes every head. */
  dispose(): void {
    for (const h of this.heads.values()) h.dispose();
    this.heads.clear();
  }
}
