import { InvalidArgumentError, type tf } from '@retain/core';
import type { Strategy } from '../framework/strategy.js';
import { chooseTasks, rowArgmax, softmaxEntropies, TASK_INFERENCE_MODES, type TaskInferenceMode } from './entropy-choice.js';
import { checkTaskInferenceScore, taskScores, type TaskInferenceScore } from './task-scores.js';

/** The score task inference uses unless told otherwise: minimum entropy (SupSup's and WSN's; see the README for the measurements behind keeping it). */
export const DEFAULT_TASK_INFERENCE_SCORE: TaskInferenceScore = 'entropy';

/** A trained task as task inference sees it: its id and the global class of each output of its head (an Experience fits). */
export interface TaskClasses {
  readonly taskId: number;
  readonly classes: readonly number[];
}

/**
 * What task inference needs of a strategy: `predict(x, taskId)`, the logits
 * of task `taskId`'s sub-network and head. Every strategy trained in a
 * task-incremental scenario has it (PackNet, WSN, Ada-QPacknet, EsaCL, BLIP),
 * so class-incremental evaluation of these methods means task ids at training
 * time only: at test time the task is inferred here.
 */
export type TaskConditionalPredictor = Pick<Strategy, 'predict'>;

/** Options of {@link inferTaskAndPredict}. */
export interface TaskInferenceOptions {
  /** Default `sample` (ours). */
  readonly mode?: TaskInferenceMode;
  /** Which score picks the task (lowest wins). Default {@link DEFAULT_TASK_INFERENCE_SCORE}. */
  readonly score?: TaskInferenceScore;
}

/** Per row of the input: the inferred task and the class predicted by its sub-network. */
export interface TaskInference {
  /** Index into the `tasks` given. */
  readonly taskIndex: Int32Array;
  /** The inferred task id. */
  readonly taskId: Int32Array;
  /** The class predicted by the inferred task's head, in that head's label space. */
  readonly localClass: Int32Array;
  /** The same class as a global class id (`tasks[k].classes[localClass]`). */
  readonly globalClass: Int32Array;
  /** Softmax entropy (nats) of each task's prediction, one array per task. */
  readonly entropies: readonly Float32Array[];
  /** The score used. */
  readonly score: TaskInferenceScore;
  /** The score of each task's prediction (lower = more likely that task), one array per task (the entropies when `score` is `entropy`). */
  readonly scores: readonly Float32Array[];
}

/** Per task: its head's logits (rows x classes), their softmax entropies and argmax on some rows. */
export interface TaskOutputs {
  readonly logits: Float32Array;
  readonly classes: number;
  readonly entropies: Float32Array;
  readonly argmax: Int32Array;
}

/** Checks the candidate tasks (non-empty, distinct ids, non-empty class lists), the mode and (when given) the score. */
export function checkTaskInference(tasks: readonly TaskClasses[], mode: TaskInferenceMode, score: TaskInferenceScore = DEFAULT_TASK_INFERENCE_SCORE): void {
  checkTaskInferenceScore(score);
  if (tasks.length === 0) throw new InvalidArgumentError('tasks', tasks, 'at least one trained task');
  const ids = new Set<number>();
  tasks.forEach((t, k) => {
    if (!Number.isInteger(t.taskId) || t.taskId < 0) throw new InvalidArgumentError(`tasks[${k}].taskId`, t.taskId, 'a non-negative integer');
    if (ids.has(t.taskId)) throw new InvalidArgumentError(`tasks[${k}].taskId`, t.taskId, 'distinct task ids');
    ids.add(t.taskId);
    if (t.classes.length === 0) throw new InvalidArgumentError(`tasks[${k}].classes`, t.classes, 'at least one class');
  });
  if (!TASK_INFERENCE_MODES.includes(mode)) throw new InvalidArgumentError('mode', mode, TASK_INFERENCE_MODES.join(', '));
}

/** Runs task `task`'s sub-network on `x` (no gradients) and returns its logits, entropies and argmax per row. */
export function taskOutputs(strategy: TaskConditionalPredictor, x: tf.Tensor, task: TaskClasses): TaskOutputs {
  const logits = strategy.predict(x, task.taskId);
  try {
    const classes = logits.shape[logits.shape.length - 1] ?? 0;
    if (classes !== task.classes.length) {
      throw new InvalidArgumentError(`task ${task.taskId} classes`, task.classes.length, `${classes}, the outputs of its head`);
    }
    const values = Float32Array.from(logits.dataSync());
    return { logits: values, classes, entropies: softmaxEntropies(values, classes), argmax: rowArgmax(values, classes) };
  } finally {
    logits.dispose();
  }
}

/** Combines per-task outputs of the same rows into the inference: the task with the lowest `score` per row or per batch (pure). */
export function combineTaskOutputs(outputs: readonly TaskOutputs[], tasks: readonly TaskClasses[], mode: TaskInferenceMode, score: TaskInferenceScore = DEFAULT_TASK_INFERENCE_SCORE): TaskInference {
  const entropies = outputs.map((o) => o.entropies);
  const scores = score === 'entropy' ? entropies : outputs.map((o) => taskScores(o.logits, o.classes, score));
  const taskIndex = chooseTasks(scores, mode);
  const rows = taskIndex.length;
  const taskId = new Int32Array(rows);
  const localClass = new Int32Array(rows);
  const globalClass = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const k = taskIndex[r] as number;
    const task = tasks[k] as TaskClasses;
    const local = (outputs[k] as TaskOutputs).argmax[r] as number;
    taskId[r] = task.taskId;
    localClass[r] = local;
    globalClass[r] = task.classes[local] as number;
  }
  return { taskIndex, taskId, localClass, globalClass, entropies, score, scores };
}

/**
 * Class-incremental prediction with a task-conditional strategy: runs every
 * candidate task's sub-network (its head) on `x`, infers the task with the
 * lowest score (default softmax entropy; per row, or one for the batch by
 * mean score), and predicts with that sub-network. Leaves no tensor behind; `x` stays the
 * caller's.
 *
 * @example
 * const r = inferTaskAndPredict(strategy, x, experiences.slice(0, 3), { mode: 'batch' });
 * r.taskId;       // Int32Array: the inferred task per row
 * r.globalClass;  // Int32Array: the predicted global class per row
 */
export function inferTaskAndPredict(strategy: TaskConditionalPredictor, x: tf.Tensor, tasks: readonly TaskClasses[], options: TaskInferenceOptions = {}): TaskInference {
  const mode = options.mode ?? 'sample';
  const score = options.score ?? DEFAULT_TASK_INFERENCE_SCORE;
  checkTaskInference(tasks, mode, score);
  const outputs = tasks.map((t) => taskOutputs(strategy, x, t));
  return combineTaskOutputs(outputs, tasks, mode, score);
}
