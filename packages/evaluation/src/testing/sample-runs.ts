// Test-only helpers (excluded from the build): small, hand-checkable runs.
import { capacityReport } from '../costs/capacity-report.js';
import type { RunTiming } from '../costs/resource-monitor.js';
import { sizeReport } from '../costs/size-report.js';
import { AccuracyMatrix } from '../matrix/accuracy-matrix.js';
import { buildRunResults } from '../results/build-run-results.js';
import type { RunResults, ScenarioKind } from '../results/run-results.js';

/** Options of {@link sampleRun}. */
export interface SampleRunOptions {
  strategy?: string;
  scenario?: string;
  scenarioKind?: ScenarioKind;
  seed?: number;
  /** Correct counts out of `total` per cell, rows = trained experiences; null = not evaluated. */
  correct?: ReadonlyArray<ReadonlyArray<number | null>>;
  total?: number;
  taskInference?: ReadonlyArray<ReadonlyArray<number | null>>;
  withCosts?: boolean;
  timing?: RunTiming;
}

/** The hand-worked 3-experience matrix of the metric tests, as counts out of 100. */
export const WORKED_CORRECT = [
  [90, 10, 20],
  [95, 85, 30],
  [70, 75, 95],
];

/** A run built from counts with the real AccuracyMatrix and buildRunResults. */
export function sampleRun(options: SampleRunOptions = {}): RunResults {
  const correct = options.correct ?? WORKED_CORRECT;
  const total = options.total ?? 100;
  const n = correct[0]?.length ?? 0;
  const matrix = new AccuracyMatrix(n);
  correct.forEach((row, i) =>
    row.forEach((value, j) => {
      if (value !== null) matrix.record(i, j, value, total, options.taskInference?.[i]?.[j] ?? undefined);
    }),
  );
  const withCosts = options.withCosts ?? true;
  return buildRunResults({
    run: {
      strategy: options.strategy ?? 'packnet',
      scenario: options.scenario ?? 'split-fashion-mnist',
      scenarioKind: options.scenarioKind ?? 'task-incremental',
      seed: options.seed ?? 1,
      backend: 'wasm',
      options: { epochs: 2, lr: 0.001 },
    },
    experiences: Array.from({ length: n }, (_, index) => ({ index, taskId: index, classes: [2 * index, 2 * index + 1] })),
    matrix,
    references: { randomInit: Array.from({ length: n }, () => 0.1) },
    details: [{ experience: 0, values: { sparsity: [0.5, 0.6], bitWidth: 4 } }],
    costs: withCosts
      ? {
          size: sizeReport({ masks: 3000, codes: 12000, heads: 1000 }, 40000),
          capacity: capacityReport(
            Array.from({ length: n }, (_, taskId) => ({ taskId, weights: 1000, bits: 4000 * (taskId + 1) })),
            10000,
          ),
        }
      : undefined,
    timing: options.timing,
  });
}
