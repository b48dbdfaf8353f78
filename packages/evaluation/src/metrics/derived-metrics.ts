import { trainedCount, type AccuracyTable } from './accuracy-table.js';
import { averageAccuracy, averageAccuracyAfterEach, averageAccuracyAt } from './average-accuracy.js';
import { backwardTransfer } from './backward-transfer.js';
import { averageForgetting, forgettingPerExperience } from './forgetting.js';
import { forwardTransfer, singleTaskForwardTransfer, type ReferenceAccuracies } from './forward-transfer.js';

/**
 * Every metric derived from an accuracy matrix, as stored in a results
 * document. `null` marks a metric that is not defined (yet): BWT and
 * forgetting before the second experience, FWT without a reference, task
 * inference outside class-incremental runs.
 */
export interface DerivedMetrics {
  /** T: how many experiences were trained when the metrics were taken. */
  readonly experiencesTrained: number;
  /** ACC, mean of the last row over trained experiences (see averageAccuracy). */
  readonly acc: number | null;
  /** ACC after each trained experience, length T. */
  readonly accAfterEach: ReadonlyArray<number | null>;
  /** BWT (Lopez-Paz & Ranzato 2017). */
  readonly bwt: number | null;
  /** FWT against a randomly initialised model (Lopez-Paz & Ranzato 2017). */
  readonly fwt: number | null;
  /** Forward transfer against single-task models. */
  readonly fwtSingleTask: number | null;
  /** Forgetting of each experience j < T-1 after the last one (Chaudhry et al. 2018). */
  readonly forgetting: ReadonlyArray<number | null>;
  /** Mean of `forgetting` where defined. */
  readonly averageForgetting: number | null;
  /** Task-inference accuracy on the last row (class-incremental runs), mean over experiences. */
  readonly taskInferenceAccuracy: number | null;
  /** Task-inference accuracy after each trained experience, length T, or null when not measured. */
  readonly taskInferenceAfterEach: ReadonlyArray<number | null> | null;
}

/** Optional inputs of {@link deriveMetrics}. */
export interface DeriveMetricsOptions {
  /** Fraction of test samples whose task was inferred correctly, same shape as the accuracy table. */
  readonly taskInference?: AccuracyTable | undefined;
  /** b[j]: accuracy of the randomly initialised model on experience j (for `fwt`). */
  readonly randomInitAccuracy?: ReferenceAccuracies | undefined;
  /** s[j]: accuracy of a model trained on experience j alone (for `fwtSingleTask`). */
  readonly singleTaskAccuracy?: ReferenceAccuracies | undefined;
}

function orNull(value: number | undefined): number | null {
  return value === undefined ? null : value;
}

/**
 * Computes {@link DerivedMetrics} from an accuracy table (possibly partially
 * filled). Task-inference accuracy uses the same averaging as ACC: the mean
 * over the experiences seen so far of the per-experience rate, on the last row.
 */
export function deriveMetrics(table: AccuracyTable, options: DeriveMetricsOptions = {}): DerivedMetrics {
  const trained = trainedCount(table);
  const inference = options.taskInference;
  const inferenceAfterEach =
    inference === undefined ? null : Array.from({ length: trained }, (_, i) => orNull(averageAccuracyAt(inference, i)));
  return {
    experiencesTrained: trained,
    acc: orNull(averageAccuracy(table)),
    accAfterEach: averageAccuracyAfterEach(table).map(orNull),
    bwt: orNull(backwardTransfer(table)),
    fwt: options.randomInitAccuracy === undefined ? null : orNull(forwardTransfer(table, options.randomInitAccuracy)),
    fwtSingleTask:
      options.singleTaskAccuracy === undefined ? null : orNull(singleTaskForwardTransfer(table, options.singleTaskAccuracy)),
    forgetting: forgettingPerExperience(table).map(orNull),
    averageForgetting: orNull(averageForgetting(table)),
    taskInferenceAccuracy: inferenceAfterEach === null || trained === 0 ? null : (inferenceAfterEach[trained - 1] ?? null),
    taskInferenceAfterEach: inferenceAfterEach,
  };
}
