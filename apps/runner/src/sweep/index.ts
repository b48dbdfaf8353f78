// The public face of the runner's compare/sweep feature (re-exported by the runner's src/index.ts).
export { registerSweepCommands, compareFromOptions, sweepFromOptions } from './sweep-commands.js';
export {
  planCompare,
  planSweep,
  presetName,
  gridPoints,
  cellRunArgs,
  SWEEP_PLAN_SCHEMA_VERSION,
  type CompareSpec,
  type SweepSpec,
  type SweepPlan,
  type SweepCell,
  type CellGroup,
  type GridAssignment,
} from './sweep-plan.js';
export { parseGridOption, parseSeedList, splitTopLevel, type GridAxis } from './option-parsing.js';
export {
  runCells,
  defaultJobs,
  type CellOutcome,
  type CellStatus,
  type CellPoolEvent,
  type RunCellsOptions,
} from './cell-pool.js';
export { cellDiskState, type CellDiskState } from './cell-state.js';
export { checkCellConfigs } from './cell-config-check.js';
export {
  aggregateSweep,
  SWEEP_SUMMARY_SCHEMA_VERSION,
  type AggregatedSweep,
  type SweepSummary,
  type SweepGroupSummary,
  type SweepCellSummary,
  type GroupMetrics,
  type CellMetrics,
  type SweepStat,
} from './sweep-aggregate.js';
export { sweepMarkdown, sweepHtml, writeSweepReports, type SweepReportOptions, type SweepReportPaths } from './sweep-report.js';
export { SWEEP_FILES } from './sweep-files.js';
export { readPlan, writeNewPlan, SweepFileError } from './plan-file.js';
export { executeSweep, type ExecuteSweepOptions, type SweepExecution } from './sweep-execute.js';
export { COMPARE_SUITES, type CompareSuite } from './suites.js';
