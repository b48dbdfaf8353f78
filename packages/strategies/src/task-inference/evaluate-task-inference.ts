import { InvalidArgumentError, tf } from '@retain/core';
import type { DataSplit, Experience } from '@retain/scenarios';
import type { TaskInferenceMode } from './entropy-choice.js';
import { checkTaskInference, combineTaskOutputs, taskOutputs, type TaskClasses, type TaskConditionalPredictor, type TaskOutputs } from './infer-task.js';

/** Options of {@link evaluateTaskInference}. */
export interface TaskInferenceEvaluationOptions {
  /** Default `sample` (ours). */
  readonly mode?: TaskInferenceMode;
  /** Candidate tasks; default the experiences evaluated (each one's task id and classes). */
  readonly tasks?: readonly TaskClasses[];
  /** Rows per batch; in `batch` mode one task is inferred per batch. Default 128 (ours). */
  readonly batchSize?: number;
  /** Which split (default `test`). */
  readonly split?: 'test' | 'validation' | 'train';
  /**
   * How the split's labels read: `local` (default: task-incremental
   * experiences, label i is `experience.classes[i]`) or `global` (class ids).
   */
  readonly labels?: 'local' | 'global';
}

/** Class accuracy and task-inference accuracy on one experience. */
export interface TaskInferenceResult {
  readonly experience: number;
  readonly taskId: number;
  readonly total: number;
  /** Rows whose predicted global class is the true one. */
  readonly correct: number;
  readonly accuracy: number;
  /** Rows whose inferred task is the experience's task. */
  readonly taskCorrect: number;
  readonly taskAccuracy: number;
}

/** Per-experience results plus totals over every row. */
export interface TaskInferenceEvaluation {
  readonly mode: TaskInferenceMode;
  readonly experiences: readonly TaskInferenceResult[];
  readonly total: number;
  readonly accuracy: number;
  readonly taskAccuracy: number;
}

/** One split's rows for every candidate task, task after task (one sub-network switch per task, not per batch). */
function splitOutputs(strategy: TaskConditionalPredictor, split: DataSplit, tasks: readonly TaskClasses[], batchSize: number): TaskOutputs[][] {
  const perTask = tasks.map((task) => {
    const batches: TaskOutputs[] = [];
    for (const b of split.arrayBatches({ batchSize })) {
      const x = tf.tensor(b.x, [b.size, ...split.inputShape], 'float32');
      try {
        batches.push(taskOutputs(strategy, x, task));
      } finally {
        x.dispose();
      }
    }
    return batches;
  });
  // Transpose to per batch: per task.
  const count = perTask[0]?.length ?? 0;
  return Array.from({ length: count }, (_, b) => perTask.map((batches) => batches[b] as TaskOutputs));
}

/**
 * Class-incremental evaluation of a task-conditional strategy: for each
 * experience's split (in stored order, batches of `batchSize`), the task is
 * inferred by minimum entropy (`sample` or `batch` mode) among the candidate
 * tasks and the class predicted by that task's sub-network. Reports class
 * accuracy (predicted global class = true global class) and task-inference
 * accuracy (inferred task = the experience's task) per experience and
 * overall. Leaves no tensor behind. Eval plugin hooks are not fired.
 */
export function evaluateTaskInference(strategy: TaskConditionalPredictor, experiences: readonly Experience[], options: TaskInferenceEvaluationOptions = {}): TaskInferenceEvaluation {
  const mode = options.mode ?? 'sample';
  const tasks = options.tasks ?? experiences.map((e) => ({ taskId: e.taskId, classes: e.classes }));
  checkTaskInference(tasks, mode);
  const batchSize = options.batchSize ?? 128;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new InvalidArgumentError('batchSize', batchSize, 'a positive integer');
  const labelKind = options.labels ?? 'local';
  const results: TaskInferenceResult[] = [];
  for (const experience of experiences) {
    const split = options.split === 'validation' ? experience.validation : options.split === 'train' ? experience.train : experience.test;
    if (split === undefined) {
      results.push({ experience: experience.index, taskId: experience.taskId, total: 0, correct: 0, accuracy: 0, taskCorrect: 0, taskAccuracy: 0 });
      continue;
    }
    const labels = split.labels();
    let row = 0;
    let correct = 0;
    let taskCorrect = 0;
    for (const outputs of splitOutputs(strategy, split, tasks, batchSize)) {
      const inferred = combineTaskOutputs(outputs, tasks, mode);
      for (let r = 0; r < inferred.taskId.length; r++, row++) {
        const y = labels[row] as number;
        const truth = labelKind === 'local' ? experience.classes[y] : y;
        if (truth === undefined) throw new InvalidArgumentError(`experience ${experience.index} label`, y, `a local label < ${experience.classes.length}`);
        if (inferred.globalClass[r] === truth) correct++;
        if (inferred.taskId[r] === experience.taskId) taskCorrect++;
      }
    }
    const total = split.size;
    results.push({ experience: experience.index, taskId: experience.taskId, total, correct, accuracy: total === 0 ? 0 : correct / total, taskCorrect, taskAccuracy: total === 0 ? 0 : taskCorrect / total });
  }
  const total = results.reduce((a, r) => a + r.total, 0);
  const correct = results.reduce((a, r) => a + r.correct, 0);
  const taskCorrect = results.reduce((a, r) => a + r.taskCorrect, 0);
  return { mode, experiences: results, total, accuracy: total === 0 ? 0 : correct / total, taskAccuracy: total === 0 ? 0 : taskCorrect / total };
}
