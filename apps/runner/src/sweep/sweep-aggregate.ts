import { meanStd, type RunResults } from '@retain/evaluation';
import { relative } from 'node:path';
import type { CellOutcome, CellStatus } from './cell-pool.js';
import { isCompleteRun, readCellResults } from './cell-state.js';
import type { CellGroup, SweepPlan } from './sweep-plan.js';

/** Version of the `sweep.json` document ({@link SweepSummary}). */
export const SWEEP_SUMMARY_SCHEMA_VERSION = 1;

/** Mean and sample standard deviation (n - 1) of one metric over seeds; `std` is null for a single seed. */
export interface SweepStat {
  readonly mean: number;
  readonly std: number | null;
  readonly n: number;
}

/** The metrics summarised per group, each mean ± sample std over the group's complete runs (null when none has it). */
export interface GroupMetrics {
  /** Average accuracy after the last experience (fraction). */
  readonly acc: SweepStat | null;
  /** Backward transfer (fraction). */
  readonly bwt: SweepStat | null;
  /** Average forgetting (fraction). */
  readonly averageForgetting: SweepStat | null;
  /** Task-inference accuracy (class-incremental runs; fraction). */
  readonly taskInferenceAccuracy: SweepStat | null;
  /** Serialised model size in bytes. */
  readonly totalBytes: SweepStat | null;
  /** Dense float32 bytes / serialised bytes. */
  readonly compressionRatio: SweepStat | null;
  /** Training seconds, summed over experiences (machine-dependent). */
  readonly trainSeconds: SweepStat | null;
  /** Whole-run seconds as the run measured them (machine-dependent). */
  readonly totalSeconds: SweepStat | null;
}

/** One cell's scalar results (fractions, bytes, seconds); null where not measured. */
export interface CellMetrics {
  readonly acc: number | null;
  readonly bwt: number | null;
  readonly averageForgetting: number | null;
  readonly taskInferenceAccuracy: number | null;
  readonly totalBytes: number | null;
  readonly compressionRatio: number | null;
  readonly trainSeconds: number | null;
  readonly totalSeconds: number | null;
}

/** A cell as recorded in `sweep.json`. */
export interface SweepCellSummary {
  readonly id: string;
  readonly source: string;
  readonly seed: number;
  readonly overrides: readonly string[];
  /** Run directory relative to the sweep directory. */
  readonly runDir: string;
  /** Key of its group. */
  readonly group: string;
  /** On disk: `complete` (every experience trained), `incomplete` (metrics.json partial), `missing`. */
  readonly state: 'complete' | 'incomplete' | 'missing';
  /** This invocation's attempt, when the cells were run (null when only aggregated). */
  readonly attempt: { readonly status: CellStatus; readonly exitCode: number | null; readonly seconds: number } | null;
  /** The run's results (from its metrics.json), null when missing. */
  readonly metrics: CellMetrics | null;
  /** Strategy and scenario names the run itself recorded (null when missing). */
  readonly run: { readonly strategy: string; readonly scenario: string; readonly scenarioKind: string } | null;
}

/** A group of cells that differ only in their seed (the plan's CellGroup), with its seeds and metrics. */
export interface SweepGroupSummary extends CellGroup {
  /** Seeds planned for the group. */
  readonly seeds: readonly number[];
  /** Seeds whose run is complete (the ones summarised). */
  readonly completeSeeds: readonly number[];
  /** Mean ± std over the complete seeds. */
  readonly metrics: GroupMetrics;
}

/** The `sweep.json` document. */
export interface SweepSummary {
  readonly schemaVersion: typeof SWEEP_SUMMARY_SCHEMA_VERSION;
  readonly kind: SweepPlan['kind'];
  /** Groups in plan order of first appearance. */
  readonly groups: readonly SweepGroupSummary[];
  /** Cells in plan order. */
  readonly cells: readonly SweepCellSummary[];
}

/** A sweep's summary together with the complete runs it was made from (for reporters). */
export interface AggregatedSweep {
  /** The document written as `sweep.json`. */
  readonly summary: SweepSummary;
  /** Complete runs with their group and planned seed, in plan order. */
  readonly runs: ReadonlyArray<{ readonly group: CellGroup; readonly seed: number; readonly results: RunResults }>;
}

function sumTrainSeconds(results: RunResults): number | null {
  if (results.timing === null) return null;
  return results.timing.experiences.reduce((sum, experience) => sum + experience.trainSeconds, 0);
}

/** The scalar results of one run. */
export function cellMetrics(results: RunResults): CellMetrics {
  return {
    acc: results.metrics.acc,
    bwt: results.metrics.bwt,
    averageForgetting: results.metrics.averageForgetting,
    taskInferenceAccuracy: results.metrics.taskInferenceAccuracy,
    totalBytes: results.costs.size?.totalBytes ?? null,
    compressionRatio: results.costs.size?.compressionRatio ?? null,
    trainSeconds: sumTrainSeconds(results),
    totalSeconds: results.timing?.totalSeconds ?? null,
  };
}

function over(values: ReadonlyArray<number | null>): SweepStat | null {
  const stat = meanStd(values.filter((value): value is number => value !== null));
  return stat === undefined ? null : { mean: stat.mean, std: stat.std ?? null, n: stat.n };
}

/** Mean ± sample std of each metric over the given cells' metrics. */
export function groupMetrics(cells: readonly CellMetrics[]): GroupMetrics {
  const pick = (name: keyof CellMetrics): SweepStat | null => over(cells.map((cell) => cell[name]));
  return {
    acc: pick('acc'),
    bwt: pick('bwt'),
    averageForgetting: pick('averageForgetting'),
    taskInferenceAccuracy: pick('taskInferenceAccuracy'),
    totalBytes: pick('totalBytes'),
    compressionRatio: pick('compressionRatio'),
    trainSeconds: pick('trainSeconds'),
    totalSeconds: pick('totalSeconds'),
  };
}

/**
 * Reads every cell's metrics.json and summarises the plan: per group (cells
 * differing only in seed) mean ± sample std over its complete runs of ACC,
 * BWT, forgetting, task-inference accuracy, stored bytes, compression ratio
 * and seconds. Incomplete or missing runs are listed per cell but left out
 * of the means. `outcomes` (from runCells) adds each cell's attempt.
 */
export async function aggregateSweep(plan: SweepPlan, outcomes: readonly CellOutcome[] = []): Promise<AggregatedSweep> {
  const attempts = new Map(outcomes.map((outcome) => [outcome.cell.id, outcome]));
  const cells: SweepCellSummary[] = [];
  const runs: Array<{ group: CellGroup; seed: number; results: RunResults }> = [];
  const groups = new Map<string, { group: CellGroup; seeds: number[]; complete: Array<{ seed: number; metrics: CellMetrics }> }>();
  for (const cell of plan.cells) {
    const results = await readCellResults(cell.runDir);
    const complete = results !== undefined && isCompleteRun(results);
    const attempt = attempts.get(cell.id);
    const metrics = results === undefined ? null : cellMetrics(results);
    cells.push({
      id: cell.id,
      source: cell.source,
      seed: cell.seed,
      overrides: cell.overrides,
      runDir: relative(plan.sweepDir, cell.runDir),
      group: cell.group.key,
      state: results === undefined ? 'missing' : complete ? 'complete' : 'incomplete',
      attempt: attempt === undefined ? null : { status: attempt.status, exitCode: attempt.exitCode, seconds: attempt.seconds },
      metrics,
      run: results === undefined ? null : { strategy: results.run.strategy, scenario: results.run.scenario, scenarioKind: results.run.scenarioKind },
    });
    const entry = groups.get(cell.group.key) ?? { group: cell.group, seeds: [], complete: [] };
    entry.seeds.push(cell.seed);
    if (complete && metrics !== null) {
      entry.complete.push({ seed: cell.seed, metrics });
      runs.push({ group: cell.group, seed: cell.seed, results });
    }
    groups.set(cell.group.key, entry);
  }
  const summary: SweepSummary = {
    schemaVersion: SWEEP_SUMMARY_SCHEMA_VERSION,
    kind: plan.kind,
    groups: [...groups.values()].map(({ group, seeds, complete }) => ({
      key: group.key,
      row: group.row,
      column: group.column,
      strategy: group.strategy,
      benchmark: group.benchmark,
      grid: group.grid,
      seeds,
      completeSeeds: complete.map((entry) => entry.seed),
      metrics: groupMetrics(complete.map((entry) => entry.metrics)),
    })),
    cells,
  };
  return { summary, runs };
}
