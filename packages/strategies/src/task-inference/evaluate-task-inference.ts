import { InvalidArgumentError, tf } from '@retain/core';
import type { DataSplit, Experience } from '@retain/scenarios';
import { TASK_INFERENCE_MODES, type TaskInferenceMode } from './entropy-choice.js';
import { checkTaskInference, combineTaskOutputs, DEFAULT_TASK_INFERENCE_SCORE, taskOutputs, type TaskClasses, type TaskConditionalPredictor, type TaskOutputs } from './infer-task.js';
import { TASK_INFERENCE_SCORES, type TaskInferenceScore } from './task-scores.js';

/** Options of {@link evaluateTaskInference}. */
export interface TaskInferenceEvaluationOptions {
  /** Default `sample` (ours). */
  readonly mode?: TaskInferenceMode;
  /** Which score picks the task (lowest wins). Default {@link DEFAULT_TASK_INFERENCE_SCORE}. */
  readonly score?: TaskInferenceScore;
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
  readonly score: TaskInferenceScore;
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

/** Options of {@link evaluateTaskInferenceScores}: those of {@link evaluateTaskInference}, with lists of scores and modes instead of one each. */
export interface TaskInferenceComparisonOptions extends Omit<TaskInferenceEvaluationOptions, 'mode' | 'score'> {
  /** Default every score ({@link TASK_INFERENCE_SCORES}). */
  readonly scores?: readonly TaskInferenceScore[];
  /** Default both modes. */
  readonly modes?: readonly TaskInferenceMode[];
}

interface Tally {
  correct: number;
  taskCorrect: number;
}

/**
 * {@link evaluateTaskInference} for several scores and modes at the cost of
 * one: each candidate task's sub-network runs once per split, and every
 * (score, mode) pair is applied to the same outputs. Returns one evaluation
 * per pair, scores outer, modes inner. Leaves no tensor behind.
 */
export function evaluateTaskInferenceScores(strategy: TaskConditionalPredictor, experiences: readonly Experience[], options: TaskInferenceComparisonOptions = {}): TaskInferenceEvaluation[] {
  const scores = options.scores ?? TASK_INFERENCE_SCORES;
  const modes = options.modes ?? TASK_INFERENCE_MODES;
  const tasks = options.tasks ?? experiences.map((e) => ({ taskId: e.taskId, classes: e.classes }));
  if (scores.length === 0) throw new InvalidArgumentError('scores', scores, 'at least one score');
  if (modes.length === 0) throw new InvalidArgumentError('modes', modes, 'at least one mode');
  for (const score of scores) for (const mode of modes) checkTaskInference(tasks, mode, score);
  const batchSize = options.batchSize ?? 128;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new InvalidArgumentError('batchSize', batchSize, 'a positive integer');
  const labelKind = options.labels ?? 'local';
  const pairs = scores.flatMap((score) => modes.map((mode) => ({ score, mode })));
  const results: TaskInferenceResult[][] = pairs.map(() => []);
  for (const experience of experiences) {
    const split = options.split === 'validation' ? experience.validation : options.split === 'train' ? experience.train : experience.test;
    if (split === undefined) {
      for (const r of results) r.push({ experience: experience.index, taskId: experience.taskId, total: 0, correct: 0, accuracy: 0, taskCorrect: 0, taskAccuracy: 0 });
      continue;
    }
    const labels = split.labels();
    const tallies: Tally[] = pairs.map(() => ({ correct: 0, taskCorrect: 0 }));
    let first = 0;
    for (const outputs of splitOutputs(strategy, split, tasks, batchSize)) {
      const rows = outputs[0]?.argmax.length ?? 0;
      const truth = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const y = labels[first + r] as number;
        const t = labelKind === 'local' ? experience.classes[y] : y;
        if (t === undefined) throw new InvalidArgumentError(`experience ${experience.index} label`, y, `a local label < ${experience.classes.length}`);
        truth[r] = t;
      }
      pairs.forEach(({ score, mode }, p) => {
        const inferred = combineTaskOutputs(outputs, tasks, mode, score);
        const tally = tallies[p] as Tally;
        for (let r = 0; r < rows; r++) {
          if (inferred.globalClass[r] === truth[r]) tally.correct++;
          if (inferred.taskId[r] === experience.taskId) tally.taskCorrect++;
        }
      });
      first += rows;
    }
    const total = split.size;
    tallies.forEach(({ correct, taskCorrect }, p) => {
      (results[p] as TaskInferenceResult[]).push({ experience: experience.index, taskId: experience.taskId, total, correct, accuracy: total === 0 ? 0 : correct / total, taskCorrect, taskAccuracy: total === 0 ? 0 : taskCorrect / total });
    });
  }
  return pairs.map(({ score, mode }, p) => {
    const list = results[p] as TaskInferenceResult[];
    const total = list.reduce((a, r) => a + r.total, 0);
    const correct = list.reduce((a, r) => a + r.correct, 0);
    const taskCorrect = list.reduce((a, r) => a + r.taskCorrect, 0);
    return { mode, score, experiences: list, total, accuracy: total === 0 ? 0 : correct / total, taskAccuracy: total === 0 ? 0 : taskCorrect / total };
  });
}

/**
 * Class-incremental evaluation of a task-conditional strategy: for each
 * experience's split (in stored order, batches of `batchSize`), the task is
 * inferred by the lowest score (default minimum entropy; `sample` or `batch`
 * mode) among the candidate tasks and the class predicted by that task's
 * sub-network. Reports class accuracy (predicted global class = true global
 * class) and task-inference accuracy (inferred task = the experience's task)
 * per experience and overall. Leaves no tensor behind. Eval plugin hooks are
 * not fired.
 */
export function evaluateTaskInference(strategy: TaskConditionalPredictor, experiences: readonly Experience[], options: TaskInferenceEvaluationOptions = {}): TaskInferenceEvaluation {
  const { mode = 'sample', score = DEFAULT_TASK_INFERENCE_SCORE, ...rest } = options;
  return evaluateTaskInferenceScores(strategy, experiences, { ...rest, scores: [score], modes: [mode] })[0] as TaskInferenceEvaluation;
}
