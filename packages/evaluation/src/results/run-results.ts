import type { CapacityReport } from '../costs/capacity-report.js';
import type { RunTiming } from '../costs/resource-monitor.js';
import type { SizeReport } from '../costs/size-report.js';
import type { AccuracyMatrixJSON } from '../matrix/accuracy-matrix-schema.js';
import type { DerivedMetrics } from '../metrics/derived-metrics.js';

/** Version of the {@link RunResults} document this package writes. */
export const RUN_RESULTS_SCHEMA_VERSION = 1;

/** The three CL scenario families (van de Ven & Tolias 2019). */
export type ScenarioKind = 'task-incremental' | 'class-incremental' | 'domain-incremental';

/** A JSON scalar, for free-form run options and per-task details. */
export type ScalarValue = number | string | boolean | null;

/** A per-task detail value: a scalar or a list of numbers (e.g. sparsity per layer). */
export type DetailValue = ScalarValue | readonly number[];

/** What was run. */
export interface RunMetadata {
  /** Strategy name, e.g. `ada-qpacknet`. */
  readonly strategy: string;
  /** Scenario (benchmark) name, e.g. `split-fashion-mnist`. */
  readonly scenario: string;
  /** The scenario family; task inference is measured in class-incremental runs. */
  readonly scenarioKind: ScenarioKind;
  /** The run's seed. */
  readonly seed: number;
  /** The tfjs backend that ran it (`wasm`, `cpu`, `tensorflow`, ...). */
  readonly backend: string;
  /** Free-form options worth keeping with the results (epochs, learning rate, ...), keys sorted on write. */
  readonly options: Readonly<Record<string, ScalarValue>>;
}

/**
 * What evaluation needs to know of one experience. Plain data: the runner
 * adapts @retain/scenarios' experiences to it, so this package does not
 * depend on the scenario API.
 */
export interface ExperienceInfo {
  /** Position in the stream, 0-based; equals the matrix row/column. */
  readonly index: number;
  /** Task id of the experience (its head in task-incremental runs). */
  readonly taskId: number;
  /** Class labels in the experience. */
  readonly classes: readonly number[];
}

/** Reference accuracies for forward transfer, one entry per experience (null where not measured). */
export interface ReferenceAccuracySets {
  /** b[j]: accuracy of the randomly initialised model on experience j (Lopez-Paz & Ranzato 2017). */
  readonly randomInit: ReadonlyArray<number | null> | null;
  /** s[j]: accuracy of a model trained on experience j alone. */
  readonly singleTask: ReadonlyArray<number | null> | null;
}

/** Method-specific values of one experience (sparsity per layer, bit width, ...). */
export interface TaskDetails {
  /** The experience they belong to. */
  readonly experience: number;
  /** Name -> value; keys sorted on write. */
  readonly values: Readonly<Record<string, DetailValue>>;
}

/** Deterministic costs of a run (sizes and bits depend only on config and seed). */
export interface RunCosts {
  /** Model size as serialised vs one dense float32 model; null when the strategy stores nothing measurable. */
  readonly size: SizeReport | null;
  /** Capacity and bits per task (mask strategies); null otherwise. */
  readonly capacity: CapacityReport | null;
}

/**
 * The versioned results document of one run (schemaVersion 1), written as
 * stable JSON. Everything outside `timing` is deterministic: two runs with
 * the same config, seed and backend produce identical documents once
 * `timing` is removed (see withoutTiming).
 */
export interface RunResults {
  /** Always {@link RUN_RESULTS_SCHEMA_VERSION}. */
  readonly schemaVersion: typeof RUN_RESULTS_SCHEMA_VERSION;
  /** What was run. */
  readonly run: RunMetadata;
  /** The experiences of the stream, by index. */
  readonly experiences: readonly ExperienceInfo[];
  /** The accuracy matrix with raw counts. */
  readonly matrix: AccuracyMatrixJSON;
  /** Reference accuracies used for FWT. */
  readonly references: ReferenceAccuracySets;
  /** Metrics derived from `matrix` and `references` (checked on parse). */
  readonly metrics: DerivedMetrics;
  /** Method-specific per-experience values. */
  readonly details: readonly TaskDetails[];
  /** Sizes and bits. */
  readonly costs: RunCosts;
  /** Time and memory measured on the machine (not deterministic); null when not measured. */
  readonly timing: RunTiming | null;
}
