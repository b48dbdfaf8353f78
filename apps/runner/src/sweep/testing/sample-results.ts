// Test-only helpers (not exported from the runner): real results documents built with @retain/evaluation.
import { AccuracyMatrix, ResourceMonitor, buildRunResults, sizeReport, writeRunResults, type RunResults, type ScenarioKind } from '@retain/evaluation';
import { join } from 'node:path';

/** Options of {@link sampleResults}. */
export interface SampleResultsOptions {
  readonly strategy?: string;
  readonly scenario?: string;
  readonly scenarioKind?: ScenarioKind;
  readonly seed?: number;
  /** Correct counts out of 100 per (trained, evaluated) cell; rows beyond those trained are left out. */
  readonly correct: ReadonlyArray<ReadonlyArray<number>>;
  /** Experiences in the stream (default: the number of columns). */
  readonly experiences?: number;
  /** Task-inference counts out of 100 (class-incremental), same shape as `correct`. */
  readonly taskInference?: ReadonlyArray<ReadonlyArray<number>>;
  /** Serialised size breakdown; none when omitted. */
  readonly sizeBytes?: number;
  /** Training seconds per trained experience (timing measured with fake clocks). */
  readonly trainSeconds?: readonly number[];
}

/** A results document from counts, through the real AccuracyMatrix, ResourceMonitor and buildRunResults. */
export function sampleResults(options: SampleResultsOptions): RunResults {
  const n = options.experiences ?? options.correct[0]?.length ?? 0;
  const matrix = new AccuracyMatrix(n);
  options.correct.forEach((row, i) => row.forEach((value, j) => matrix.record(i, j, value, 100, options.taskInference?.[i]?.[j])));
  let clock = 0;
  const monitor = new ResourceMonitor({
    intervalMs: 0,
    probes: { now: () => clock, rss: () => 1e8, processPeakRss: () => 2e8, tfMemory: () => ({ numTensors: 10, numBytes: 1000 }) },
  });
  (options.trainSeconds ?? []).forEach((seconds, experience) => {
    monitor.beginExperience(experience);
    clock += seconds * 1000;
    monitor.endTraining(600);
    clock += 500;
    monitor.endExperience();
  });
  const timing = options.trainSeconds === undefined ? undefined : monitor.timing();
  monitor.dispose();
  return buildRunResults({
    run: {
      strategy: options.strategy ?? 'packnet',
      scenario: options.scenario ?? 'permuted-fashion-mnist',
      scenarioKind: options.scenarioKind ?? 'task-incremental',
      seed: options.seed ?? 0,
      backend: 'wasm',
      options: { epochs: 1 },
    },
    experiences: Array.from({ length: n }, (_, index) => ({ index, taskId: index, classes: [0, 1] })),
    matrix,
    ...(options.sizeBytes === undefined ? {} : { costs: { size: sizeReport({ masks: options.sizeBytes / 4, codes: (options.sizeBytes * 3) / 4 }, 10_000) } }),
    ...(timing === undefined ? {} : { timing }),
  });
}

/** Writes a results document as `<runDir>/metrics.json` with evaluation's writer. */
export async function writeSampleResults(runDir: string, results: RunResults): Promise<void> {
  await writeRunResults(join(runDir, 'metrics.json'), results);
}
