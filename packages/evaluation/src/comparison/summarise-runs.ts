import { InvalidArgumentError } from '@retain/core';
import { meanStd, type MeanStd } from '../metrics/seed-statistics.js';
import type { RunResults, ScenarioKind } from '../results/run-results.js';

/** Several seeds of one strategy on one scenario, summarised as mean ± sample std. */
export interface RunGroupSummary {
  /** Strategy name. */
  readonly strategy: string;
  /** Scenario (benchmark) name. */
  readonly scenario: string;
  /** Scenario family of the runs (from the first run of the group). */
  readonly scenarioKind: ScenarioKind;
  /** Seeds of the runs, in input order. */
  readonly seeds: readonly number[];
  /** ACC over seeds; undefined when no run has it. */
  readonly acc: MeanStd | undefined;
  /** BWT over seeds. */
  readonly bwt: MeanStd | undefined;
  /** FWT (random-init reference) over seeds. */
  readonly fwt: MeanStd | undefined;
  /** Average forgetting over seeds. */
  readonly averageForgetting: MeanStd | undefined;
  /** Task-inference accuracy over seeds. */
  readonly taskInferenceAccuracy: MeanStd | undefined;
  /** ACC after each experience i, over the seeds that reached it. */
  readonly accAfterEach: ReadonlyArray<MeanStd | undefined>;
  /** Serialised model size in bytes over seeds. */
  readonly totalBytes: MeanStd | undefined;
  /** Compression ratio vs one dense float32 model over seeds. */
  readonly compressionRatio: MeanStd | undefined;
  /** The runs of the group, in input order. */
  readonly runs: readonly RunResults[];
}

function over(values: ReadonlyArray<number | null | undefined>): MeanStd | undefined {
  return meanStd(values.filter((value): value is number => typeof value === 'number'));
}

function summarise(runs: readonly RunResults[]): RunGroupSummary {
  const first = runs[0];
  if (first === undefined) throw new InvalidArgumentError('runs', runs, 'a non-empty group');
  const longest = Math.max(...runs.map((run) => run.metrics.accAfterEach.length));
  return {
    strategy: first.run.strategy,
    scenario: first.run.scenario,
    scenarioKind: first.run.scenarioKind,
    seeds: runs.map((run) => run.run.seed),
    acc: over(runs.map((run) => run.metrics.acc)),
    bwt: over(runs.map((run) => run.metrics.bwt)),
    fwt: over(runs.map((run) => run.metrics.fwt)),
    averageForgetting: over(runs.map((run) => run.metrics.averageForgetting)),
    taskInferenceAccuracy: over(runs.map((run) => run.metrics.taskInferenceAccuracy)),
    accAfterEach: Array.from({ length: longest }, (_, i) => over(runs.map((run) => run.metrics.accAfterEach[i]))),
    totalBytes: over(runs.map((run) => run.costs.size?.totalBytes)),
    compressionRatio: over(runs.map((run) => run.costs.size?.compressionRatio)),
    runs,
  };
}

/**
 * Groups runs by (strategy, scenario), in order of first appearance, and
 * summarises each group over its seeds (mean ± sample std, n - 1). Throws
 * {@link InvalidArgumentError} when a seed appears twice in a group (e.g. the
 * same run on two backends): filter the runs first.
 */
export function summariseRuns(results: readonly RunResults[]): RunGroupSummary[] {
  const groups = new Map<string, RunResults[]>();
  results.forEach((result, index) => {
    const key = JSON.stringify([result.run.strategy, result.run.scenario]);
    const group = groups.get(key) ?? [];
    if (group.some((other) => other.run.seed === result.run.seed)) {
      throw new InvalidArgumentError(
        `results[${index}].run.seed`,
        result.run.seed,
        `a seed not already present for strategy ${JSON.stringify(result.run.strategy)} on scenario ${JSON.stringify(result.run.scenario)}`,
      );
    }
    group.push(result);
    groups.set(key, group);
  });
  return [...groups.values()].map(summarise);
}
