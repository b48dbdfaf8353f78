import type { AccuracyMatrix } from '@retain/evaluation';
import type { Experience } from '@retain/scenarios';
import { evaluateExperiences, evaluateTaskInference, type Strategy } from '@retain/strategies';
import type { RunConfig } from '../config/schema.js';
import type { RunProtocol } from './protocol.js';

/**
 * Fills row `trained` of the matrix: evaluates every experience seen so far
 * with the run's protocol. Task-incremental, class- and domain-incremental
 * runs use evaluateExperiences (task id given only in task-incremental
 * ones); `task-inference` runs use evaluateTaskInference (no task id: the
 * task is inferred by the lowest `evaluation.taskInferenceScore`, entropy by default) and record how many samples had their
 * task inferred correctly.
 */
export async function evaluateRow(
  strategy: Strategy,
  seen: readonly Experience[],
  trained: number,
  matrix: AccuracyMatrix,
  config: RunConfig,
  protocol: RunProtocol,
): Promise<void> {
  if (protocol.protocol === 'task-inference') {
    const evaluation = evaluateTaskInference(strategy, seen, {
      mode: config.evaluation.taskInferenceMode,
      score: config.evaluation.taskInferenceScore,
      batchSize: config.evaluation.taskInferenceBatchSize,
      labels: 'local',
    });
    for (const r of evaluation.experiences) matrix.record(trained, r.experience, r.correct, r.total, r.taskCorrect);
    return;
  }
  const results = await evaluateExperiences(strategy, seen, { scenarioKind: protocol.trainKind, batchSize: config.evaluation.batchSize });
  results.forEach((r, j) => matrix.record(trained, (seen[j] as Experience).index, r.correct, r.total));
}
