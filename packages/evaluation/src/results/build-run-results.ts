import { InvalidArgumentError } from '@retain/core';
import type { CapacityReport } from '../costs/capacity-report.js';
import type { RunTiming } from '../costs/resource-monitor.js';
import type { SizeReport } from '../costs/size-report.js';
import type { AccuracyMatrix } from '../matrix/accuracy-matrix.js';
import { deriveMetrics } from '../metrics/derived-metrics.js';
import {
  RUN_RESULTS_SCHEMA_VERSION,
  type ExperienceInfo,
  type RunMetadata,
  type RunResults,
  type ScalarValue,
  type TaskDetails,
} from './run-results.js';

/** Inputs of {@link buildRunResults}; everything but `run`, `experiences` and `matrix` is optional. */
export interface RunResultsInput {
  /** What was run; `options` defaults to `{}`. */
  readonly run: Omit<RunMetadata, 'options'> & { readonly options?: Readonly<Record<string, ScalarValue>> };
  /** The experiences of the stream, index i at position i. */
  readonly experiences: readonly ExperienceInfo[];
  /** The (possibly partially filled) accuracy matrix. */
  readonly matrix: AccuracyMatrix;
  /** Reference accuracies per experience for FWT. */
  readonly references?: {
    readonly randomInit?: ReadonlyArray<number | null>;
    readonly singleTask?: ReadonlyArray<number | null>;
  };
  /** Method-specific per-experience values. */
  readonly details?: readonly TaskDetails[];
  /** Sizes and bits (from sizeReport / capacityReport). */
  readonly costs?: { readonly size?: SizeReport; readonly capacity?: CapacityReport };
  /** Machine measurements (from ResourceMonitor.timing()). */
  readonly timing?: RunTiming;
}

function checkReference(field: string, reference: ReadonlyArray<number | null> | undefined, experiences: number): void {
  if (reference === undefined) return;
  if (reference.length !== experiences) throw new InvalidArgumentError(field, reference.length, `an array of ${experiences} entries`);
  reference.forEach((value, j) => {
    if (value !== null && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new InvalidArgumentError(`${field}[${j}]`, value, 'an accuracy in [0, 1] or null');
    }
  });
}

/**
 * Assembles a {@link RunResults} document (at the end of a run, or after any
 * experience for live reporting) and derives its metrics from the matrix and
 * references. Checks that `experiences` match the matrix (experience i at
 * position i) and that details refer to existing experiences.
 */
export function buildRunResults(input: RunResultsInput): RunResults {
  const { matrix, experiences } = input;
  if (experiences.length !== matrix.experiences) {
    throw new InvalidArgumentError('experiences', experiences.length, `${matrix.experiences} entries, one per matrix row`);
  }
  experiences.forEach((experience, i) => {
    if (experience.index !== i) throw new InvalidArgumentError(`experiences[${i}].index`, experience.index, `${i}`);
  });
  const details = input.details ?? [];
  details.forEach((detail, i) => {
    if (!Number.isInteger(detail.experience) || detail.experience < 0 || detail.experience >= matrix.experiences) {
      throw new InvalidArgumentError(`details[${i}].experience`, detail.experience, `an experience index below ${matrix.experiences}`);
    }
  });
  const randomInit = input.references?.randomInit;
  const singleTask = input.references?.singleTask;
  checkReference('references.randomInit', randomInit, matrix.experiences);
  checkReference('references.singleTask', singleTask, matrix.experiences);
  const metrics = deriveMetrics(matrix.accuracyTable(), {
    taskInference: matrix.taskInferenceTable(),
    randomInitAccuracy: randomInit,
    singleTaskAccuracy: singleTask,
  });
  return {
    schemaVersion: RUN_RESULTS_SCHEMA_VERSION,
    run: { ...input.run, options: { ...input.run.options } },
    experiences: experiences.map((experience) => ({ index: experience.index, taskId: experience.taskId, classes: [...experience.classes] })),
    matrix: matrix.toJSON(),
    references: { randomInit: randomInit === undefined ? null : [...randomInit], singleTask: singleTask === undefined ? null : [...singleTask] },
    metrics,
    details: details.map((detail) => ({ experience: detail.experience, values: { ...detail.values } })),
    costs: { size: input.costs?.size ?? null, capacity: input.costs?.capacity ?? null },
    timing: input.timing ?? null,
  };
}
