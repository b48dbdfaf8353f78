import type { tf } from '@retain/core';
import type { Experience, ScenarioKind } from '@retain/scenarios';
import type { EvalInfo, EvalResult, StrategyPlugin } from '../framework/plugin.js';
import type { Strategy } from '../framework/strategy.js';
import { DEFAULT_EVAL_BATCH_SIZE, evaluateSplit } from './evaluate.js';

/** Options of {@link evaluateExperiences}. */
export interface EvaluateOptions {
  /** Decides whether the task id is given to predict (task-incremental only). */
  readonly scenarioKind: ScenarioKind;
  /** Default 1,000. */
  readonly batchSize?: number;
  /** Which split to evaluate (default `test`). */
  readonly split?: 'test' | 'validation' | 'train';
  /** Plugins besides the strategy's own. */
  readonly plugins?: readonly StrategyPlugin[];
}

/**
 * Accuracy of `strategy` on each experience's split (test by default): runs
 * predict in large batches, no gradients, and fires the eval hooks
 * (beforeEval, per experience beforeEvalExperience / afterEvalExperience,
 * afterEval) of the strategy's and the given plugins. The task id is passed
 * to predict only in task-incremental scenarios.
 */
export async function evaluateExperiences(strategy: Strategy, experiences: readonly Experience[], options: EvaluateOptions): Promise<EvalResult[]> {
  const plugins = [...strategy.plugins, ...(options.plugins ?? [])];
  const outer: EvalInfo = { strategy: strategy.name };
  for (const p of plugins) await p.beforeEval?.(outer);
  const results: EvalResult[] = [];
  for (const experience of experiences) {
    const taskId = options.scenarioKind === 'task-incremental' ? experience.taskId : undefined;
    const info: EvalInfo = { strategy: strategy.name, experience, ...(taskId !== undefined ? { taskId } : {}) };
    for (const p of plugins) await p.beforeEvalExperience?.(info);
    const split = options.split === 'validation' ? experience.validation : options.split === 'train' ? experience.train : experience.test;
    const result = split === undefined ? { correct: 0, total: 0, accuracy: 0 } : evaluateSplit((x: tf.Tensor) => strategy.predict(x, taskId), split, options.batchSize ?? DEFAULT_EVAL_BATCH_SIZE);
    for (const p of plugins) await p.afterEvalExperience?.(info, result);
    results.push(result);
  }
  for (const p of plugins) await p.afterEval?.(outer);
  return results;
}
