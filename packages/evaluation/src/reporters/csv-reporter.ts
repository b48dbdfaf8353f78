import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../io/atomic-write.js';
import { forgettingAt } from '../metrics/forgetting.js';
import type { RunResults } from '../results/run-results.js';

/**
 * Columns of the CSV, Avalanche-like names. `forgetting` is
 * max_{eval_exp <= i < training_exp} R[i][eval_exp] - R[training_exp][eval_exp]
 * (empty where undefined); `task_inference_accuracy` is empty outside
 * class-incremental runs. Accuracies are fractions at full precision.
 */
export const CSV_COLUMNS = [
  'strategy',
  'scenario',
  'scenario_kind',
  'seed',
  'backend',
  'training_exp',
  'eval_exp',
  'eval_task_id',
  'correct',
  'total',
  'eval_accuracy',
  'forgetting',
  'task_inference_accuracy',
] as const;

/**
 * One CSV row per (trained, evaluated) pair of every run, in input order
 * then row-major order, with a header line. Quoting follows RFC 4180
 * (csv-stringify): fields with commas, quotes or line breaks are quoted.
 */
export function runResultsToCsv(results: readonly RunResults[]): string {
  const records: Array<Array<string | number>> = [];
  for (const result of results) {
    const table = Array.from({ length: result.matrix.experiences }, () => new Array<number | undefined>(result.matrix.experiences));
    for (const cell of result.matrix.cells) {
      const row = table[cell.trained];
      if (row !== undefined) row[cell.evaluated] = cell.accuracy;
    }
    for (const cell of result.matrix.cells) {
      const forgetting = forgettingAt(table, cell.trained, cell.evaluated);
      records.push([
        result.run.strategy,
        result.run.scenario,
        result.run.scenarioKind,
        result.run.seed,
        result.run.backend,
        cell.trained,
        cell.evaluated,
        result.experiences[cell.evaluated]?.taskId ?? '',
        cell.correct,
        cell.total,
        cell.accuracy,
        forgetting ?? '',
        cell.taskInferenceCorrect === null ? '' : cell.taskInferenceCorrect / cell.total,
      ]);
    }
  }
  return stringify(records, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'unix' });
}

/** Writes {@link runResultsToCsv} atomically. */
export async function writeRunResultsCsv(path: string, results: readonly RunResults[]): Promise<void> {
  await writeFileAtomic(path, runResultsToCsv(results));
}
