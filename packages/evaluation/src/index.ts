// The public API of @retain/evaluation.

// Metrics: pure functions over a plain accuracy table.
export { cellValue, trainedCount, type AccuracyTable } from './metrics/accuracy-table.js';
export { averageAccuracy, averageAccuracyAt, averageAccuracyAfterEach } from './metrics/average-accuracy.js';
export { backwardTransfer } from './metrics/backward-transfer.js';
export { forwardTransfer, singleTaskForwardTransfer, type ReferenceAccuracies } from './metrics/forward-transfer.js';
export { forgettingAt, forgettingPerExperience, averageForgetting } from './metrics/forgetting.js';
export { meanStd, type MeanStd } from './metrics/seed-statistics.js';
export { deriveMetrics, type DerivedMetrics, type DeriveMetricsOptions } from './metrics/derived-metrics.js';

// The accuracy matrix filled during a run.
export { AccuracyMatrix } from './matrix/accuracy-matrix.js';
export type { AccuracyMatrixJSON, MatrixCell } from './matrix/accuracy-matrix-schema.js';

// Costs.
export { sizeReport, FLOAT32_BYTES, type SizeReport } from './costs/size-report.js';
export {
  capacityReport,
  DEFAULT_SLOT_BITS,
  type CapacityReport,
  type TaskCapacity,
  type TaskCapacityInput,
} from './costs/capacity-report.js';
export {
  ResourceMonitor,
  MonitorStateError,
  type ExperienceTiming,
  type ResourceMonitorOptions,
  type ResourceProbes,
  type RunTiming,
} from './costs/resource-monitor.js';

// The results document.
export {
  RUN_RESULTS_SCHEMA_VERSION,
  type DetailValue,
  type ExperienceInfo,
  type ReferenceAccuracySets,
  type RunCosts,
  type RunMetadata,
  type RunResults,
  type ScalarValue,
  type ScenarioKind,
  type TaskDetails,
} from './results/run-results.js';
export { buildRunResults, type RunResultsInput } from './results/build-run-results.js';
export { runResultsSchema, runResultsJsonSchema } from './results/run-results-schema.js';
export {
  parseRunResults,
  readRunResults,
  serializeRunResults,
  withoutTiming,
  writeRunResults,
} from './results/run-results-json.js';
export { stableStringify } from './results/stable-json.js';

// Comparing runs over seeds.
export { summariseRuns, type RunGroupSummary } from './comparison/summarise-runs.js';

// Reporters.
export { formatBytes } from './reporters/number-format.js';
export { ConsoleReporter, formatConsoleReport } from './reporters/console-reporter.js';
export { CSV_COLUMNS, runResultsToCsv, writeRunResultsCsv } from './reporters/csv-reporter.js';
export { markdownComparisonTable, escapeMarkdownCell, type MarkdownTableOptions } from './reporters/markdown-reporter.js';
export { renderHtmlReport, writeHtmlReport, type HtmlReportOptions } from './reporters/html/html-report.js';
export { UnsafeSvgError } from './reporters/html/render-svg.js';

// Errors and file writing.
export { ResultsFormatError, DuplicateCellError } from './errors/evaluation-errors.js';
export { writeFileAtomic } from './io/atomic-write.js';
