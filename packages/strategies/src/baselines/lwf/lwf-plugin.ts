import { createModelFromDescriptor, InvalidArgumentError, tf, type MaskedNetwork } from '@retain/core';
import type { LossEvent, TrainingInfo } from '../../framework/plugin.js';
import type { StateParts } from '../../framework/state-codec.js';
import type { StrategyState } from '../../framework/strategy.js';
import { metaIntegers, metaObject } from '../checkpoint-arrays.js';
import type { CheckpointedPlugin } from '../plugin-strategy.js';
import { distillationLoss, LWF_DEFAULT_TEMPERATURE } from './distillation-loss.js';

/** LwF's loss balance lambda_o (Li & Hoiem 2017, Sec. 3: "lambda_o ... set to 1 for most of our experiments"). */
export const LWF_DEFAULT_LAMBDA = 1;

/** The phase name of LwF's warm-up (new head only); the plugin adds no distillation there. */
export const LWF_WARMUP_PHASE = 'warmup';

/** Options of {@link LwfPlugin}. */
export interface LwfOptions {
  /** T of the softened outputs. Default {@link LWF_DEFAULT_TEMPERATURE} (2, the paper's). */
  readonly temperature?: number;
  /** lambda_o, the weight of the distillation loss. Default {@link LWF_DEFAULT_LAMBDA} (1, the paper's). */
  readonly lambda?: number;
}

/**
 * Learning without Forgetting (Li & Hoiem 2017, TPAMI) as a plugin of the
 * shared loop. When an experience starts it keeps a frozen copy of the
 * network (the "original network" whose responses y_o on the new data are
 * the targets); while the experience trains it adds lambda_o times the
 * distillation loss between the copy's and the network's old outputs on each
 * batch: with one head per task, the heads of every earlier task (summed,
 * the old tasks' losses of the paper); with a shared head, its columns of
 * the classes earlier experiences used. Only the network itself is read (no
 * strategy masks): use it with unmasked strategies.
 */
export class LwfPlugin implements CheckpointedPlugin {
  readonly name = 'lwf';
  readonly temperature: number;
  readonly lambda: number;
  private teacher: MaskedNetwork | undefined;
  /** Multi-head: network task ids trained before. */
  private oldTasks: number[] = [];
  /** Shared head: the head's columns earlier experiences used. */
  private oldColumns: number[] = [];
  private selector: tf.Tensor | undefined;
  private disposed = false;

  constructor(options: LwfOptions = {}) {
    this.temperature = options.temperature ?? LWF_DEFAULT_TEMPERATURE;
    if (!Number.isFinite(this.temperature) || this.temperature <= 0) throw new InvalidArgumentError('lwf.temperature', this.temperature, 'a finite number > 0');
    this.lambda = options.lambda ?? LWF_DEFAULT_LAMBDA;
    if (!Number.isFinite(this.lambda) || this.lambda < 0) throw new InvalidArgumentError('lwf.lambda', this.lambda, 'a finite number >= 0');
  }

  /** Task ids (multi-head) whose heads are distilled in the experiences to come. */
  get distilledTasks(): readonly number[] {
    return this.oldTasks;
  }

  /** Columns of a shared head distilled in the experiences to come. */
  get distilledColumns(): readonly number[] {
    return this.oldColumns;
  }

  /** Freezes a copy of the network as the teacher (from the second experience on). */
  beforeTrainingExperience(info: TrainingInfo): void {
    this.checkLive();
    this.dropTeacher();
    const multiHead = info.network.heads.multiHead;
    const old = multiHead ? this.oldTasks.filter((t) => t !== info.taskId) : this.oldColumns;
    if (old.length === 0) return;
    const teacher = createModelFromDescriptor(info.network.descriptor());
    teacher.setWeights(info.network.getWeights());
    this.teacher = teacher;
    if (!multiHead) {
      const classes = info.network.heads.classes(0);
      if (this.oldColumns.length < classes) {
        const s = new Float32Array(classes * this.oldColumns.length);
        this.oldColumns.forEach((c, k) => (s[c * this.oldColumns.length + k] = 1));
        this.selector = tf.tensor2d(s, [classes, this.oldColumns.length]);
      }
    }
  }

  /** lambda_o * the distillation loss of the old outputs on this batch. */
  beforeBackward(info: TrainingInfo, event: LossEvent): tf.Scalar | undefined {
    const teacher = this.teacher;
    if (teacher === undefined || this.lambda === 0 || info.phase === LWF_WARMUP_PHASE) return undefined;
    const x = event.batch.x;
    const network = info.network;
    if (!network.heads.multiHead) {
      const select = (logits: tf.Tensor): tf.Tensor => (this.selector === undefined ? logits : tf.matMul(logits as tf.Tensor2D, this.selector as tf.Tensor2D));
      const student = select(network.apply(x, { taskId: info.taskId, training: true }));
      const target = select(teacher.apply(x, { taskId: info.taskId, training: false }));
      return tf.mul(distillationLoss(student, target, this.temperature), this.lambda) as tf.Scalar;
    }
    const tasks = this.oldTasks.filter((t) => t !== info.taskId);
    const sharedBody = network.layers.every((layer) => layer.parameters().every((p) => p.taskId === undefined));
    const studentFeatures = sharedBody ? network.features(x, { taskId: info.taskId, training: true }) : undefined;
    const teacherFeatures = sharedBody ? teacher.features(x, { taskId: info.taskId, training: false }) : undefined;
    const losses = tasks.map((t) => {
      const student = studentFeatures !== undefined ? network.heads.head(t).apply(studentFeatures) : network.apply(x, { taskId: t, training: true });
      const target = teacherFeatures !== undefined ? teacher.heads.head(t).apply(teacherFeatures) : teacher.apply(x, { taskId: t, training: false });
      return distillationLoss(student, target, this.temperature);
    });
    return tf.mul(tf.addN(losses), this.lambda) as tf.Scalar;
  }

  /** Records what the next experiences distil; frees the teacher. */
  afterTrainingExperience(info: TrainingInfo): void {
    this.dropTeacher();
    if (info.network.heads.multiHead) {
      if (!this.oldTasks.includes(info.taskId)) this.oldTasks.push(info.taskId);
      return;
    }
    const e = info.experience;
    const columns = info.scenarioKind === 'class-incremental' ? e.classes : Array.from({ length: e.numClasses }, (_, i) => i);
    this.oldColumns = [...new Set([...this.oldColumns, ...columns])].sort((a, b) => a - b);
  }

  stateParts(): StateParts {
    this.checkLive();
    return {
      meta: { lwf: { temperature: this.temperature, lambda: this.lambda, oldTasks: [...this.oldTasks], oldColumns: [...this.oldColumns] } },
      tensors: {},
      blobs: {},
    };
  }

  restoreParts(state: StrategyState): () => void {
    this.checkLive();
    const meta = metaObject(state, 'lwf');
    const oldTasks = metaIntegers(meta, 'oldTasks', 'meta.lwf');
    const oldColumns = metaIntegers(meta, 'oldColumns', 'meta.lwf');
    return () => {
      this.dropTeacher();
      this.oldTasks = [...oldTasks];
      this.oldColumns = [...oldColumns];
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.dropTeacher();
    this.disposed = true;
  }

  private dropTeacher(): void {
    this.teacher?.dispose();
    this.teacher = undefined;
    this.selector?.dispose();
    this.selector = undefined;
  }

  private checkLive(): void {
    if (this.disposed) throw new InvalidArgumentError('LwfPlugin', 'disposed', 'a live plugin (it was disposed with its strategy)');
  }
}
