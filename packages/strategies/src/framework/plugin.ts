import type { MaskedNetwork, Rng, tf } from '@retain/core';
import type { Experience, ScenarioKind } from '@retain/scenarios';

/** A hook may return a promise where noted (hooks that run outside the gradient tape). */
export type Awaitable<T> = T | Promise<T>;

/** A contiguous run of samples in a batch that belongs to one task (mixed-task batches: Joint, Replay in task-incremental). */
export interface BatchSegment {
  readonly taskId: number;
  /** First sample of the run. */
  readonly start: number;
  /** Samples in the run. */
  readonly size: number;
}

/**
 * A training batch. `y` holds int32 labels in the label space of the head the
 * sample goes to. `segments` (optional) splits the batch into runs of samples
 * of different tasks, each through its own head; without it every sample
 * belongs to the task being trained.
 */
export interface TrainingBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor1D;
  readonly size: number;
  readonly segments?: readonly BatchSegment[];
}

/** The logits of one segment of a batch (the whole batch when it has no segments). */
export interface SegmentOutput extends BatchSegment {
  /** Logits [segment size, classes of the task's head] (class-masked where the strategy masks). */
  readonly logits: tf.Tensor;
  /** Labels of the segment. */
  readonly labels: tf.Tensor1D;
}

/**
 * What every training hook sees: the strategy's state in the loop and the
 * controls a plugin may use (Avalanche passes the strategy itself; this is the
 * part of it plugins need).
 */
export interface TrainingInfo {
  /** The strategy's name. */
  readonly strategy: string;
  /** The network being trained (plugins may read weights; write only between steps). */
  readonly network: MaskedNetwork;
  readonly experience: Experience;
  readonly taskId: number;
  readonly scenarioKind: ScenarioKind;
  /** The strategy's phase (`train`, `retrain`, ...); `''` outside a training phase. */
  readonly phase: string;
  /** 0-based epoch, -1 outside an epoch. */
  readonly epoch: number;
  /** Epochs planned in the phase (0 outside a phase). */
  readonly epochs: number;
  /** 0-based batch index in the epoch, -1 outside an iteration. */
  readonly iteration: number;
  /** Optimiser steps taken in this experience, all phases together. */
  readonly step: number;
  /** The learning rate in use now. */
  readonly learningRate: number;
  /** The seeded generator of this experience's training (a plugin should derive its own stream). */
  readonly rng: Rng;
  /** Sets the learning rate from the next step on (an lr-schedule plugin); a positive finite number. */
  setLearningRate(lr: number): void;
  /** Ends the phase after the current epoch (after the current iteration when called inside one). */
  requestStop(reason: string): void;
  /**
   * Logits of `x` for task `taskId` with the strategy's masks as in training
   * (for plugins that need extra passes, e.g. a Fisher estimate). The caller
   * owns the result; call it outside the loss closure or inside a tidy.
   */
  forward(x: tf.Tensor, taskId: number, training: boolean): tf.Tensor;
}

/** Lets `beforeTrainingIteration` replace the batch (replay). */
export interface BatchSlot {
  /** The batch as it is now. */
  readonly batch: TrainingBatch;
  /**
   * Uses `batch` for this iteration instead. The loop takes ownership of its
   * tensors and disposes them after the iteration (the original batch is
   * disposed by the loop as well).
   */
  replace(batch: TrainingBatch): void;
}

/** What `beforeBackward` sees: the batch, the outputs and the task loss, inside the gradient tape. */
export interface LossEvent {
  readonly batch: TrainingBatch;
  readonly outputs: readonly SegmentOutput[];
  /** The task loss (mean cross-entropy), before penalties. */
  readonly loss: tf.Scalar;
}

/** The gradients of one step, by variable name; `afterBackward` may replace some. */
export interface GradientSlot {
  /** Gradient of each trained variable, by `variable.name`. Do not dispose these. */
  readonly grads: ReadonlyMap<string, tf.Tensor>;
  /** The trained variables, by `variable.name`. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Replaces the gradient of `name`; the loop takes ownership of `gradient` (create it outside any tidy, or tf.keep it). */
  set(name: string, gradient: tf.Tensor): void;
}

/** Metrics of a finished epoch. */
export interface EpochMetrics {
  /** Mean training loss (task loss plus penalties). */
  readonly loss: number;
  readonly validationLoss?: number;
  readonly validationAccuracy?: number;
}

/** What evaluation hooks see. */
export interface EvalInfo {
  readonly strategy: string;
  /** The experience evaluated (undefined in beforeEval / afterEval). */
  readonly experience?: Experience;
  /** The task id given to predict (undefined where the scenario gives none). */
  readonly taskId?: number;
}

/** Result of evaluating one experience. */
export interface EvalResult {
  readonly correct: number;
  readonly total: number;
  /** correct / total (0 for an empty split). */
  readonly accuracy: number;
}

/**
 * A plugin: any subset of the hooks of Avalanche's training template. Hooks
 * marked sync run inside the gradient tape (their tensors are tidied by the
 * loop, except what they return or hand over); the others may be async.
 * Order: beforeTraining > beforeTrainingExperience > (per phase: per epoch:
 * beforeTrainingEpoch > per batch: beforeTrainingIteration > beforeForward >
 * afterForward > beforeBackward > afterBackward > afterUpdate >
 * afterTrainingIteration; afterTrainingEpoch) > afterTrainingExperience >
 * afterTraining. Plugins run in the order given: the strategy's own, then
 * the context's.
 */
export interface StrategyPlugin {
  /** Shown in errors and logs. */
  readonly name: string;
  /** Start of a `train(experience)` call. */
  beforeTraining?(info: TrainingInfo): Awaitable<void>;
  /** Before the first phase of the experience (after its head exists). */
  beforeTrainingExperience?(info: TrainingInfo): Awaitable<void>;
  beforeTrainingEpoch?(info: TrainingInfo): Awaitable<void>;
  /** May replace the batch through `slot.replace` (replay). */
  beforeTrainingIteration?(info: TrainingInfo, slot: BatchSlot): Awaitable<void>;
  /** Sync, inside the tape. */
  beforeForward?(info: TrainingInfo, batch: TrainingBatch): void;
  /** Sync, inside the tape: the logits of each segment. */
  afterForward?(info: TrainingInfo, outputs: readonly SegmentOutput[]): void;
  /**
   * Sync, inside the tape. Return a scalar penalty to add to the loss (a
   * regulariser: EWC, SI, LwF's distillation) or nothing. The loop disposes it.
   */
  beforeBackward?(info: TrainingInfo, event: LossEvent): tf.Scalar | undefined;
  /** Sync: the gradients, before weight decay and the optimiser step; may replace them. */
  afterBackward?(info: TrainingInfo, slot: GradientSlot): void;
  /** After the optimiser step. */
  afterUpdate?(info: TrainingInfo): Awaitable<void>;
  /** After each batch, with its loss (a data sync the loop makes anyway for progress). */
  afterTrainingIteration?(info: TrainingInfo, loss: number): Awaitable<void>;
  afterTrainingEpoch?(info: TrainingInfo, metrics: EpochMetrics): Awaitable<void>;
  /** After the last phase of the experience (the strategy's own post-processing, e.g. freezing, done). */
  afterTrainingExperience?(info: TrainingInfo): Awaitable<void>;
  /** End of a `train(experience)` call. */
  afterTraining?(info: TrainingInfo): Awaitable<void>;
  beforeEval?(info: EvalInfo): Awaitable<void>;
  beforeEvalExperience?(info: EvalInfo): Awaitable<void>;
  afterEvalExperience?(info: EvalInfo, result: EvalResult): Awaitable<void>;
  afterEval?(info: EvalInfo): Awaitable<void>;
}
