// The public API of @retain/runner (the retain CLI).
export { ConfigError, describeValue, formatPath } from './config/config-error.js';
export { loadRunConfig, parseRunConfig, applyOverrides, readConfigDocument } from './config/load.js';
export { runConfigSchema, type RunConfig, type RunConfigInput, type ModelSection, type TrainingSection } from './config/schema.js';
export { STRATEGY_NAMES, STRATEGY_OPTION_SCHEMAS, SUBNETWORK_STRATEGIES, isSubnetworkStrategy, type StrategyName, type StrategyOptionsOf } from './config/strategy-schemas.js';
export { PRESETS, PRESET_NAMES, type RunPreset } from './presets/catalog.js';
export { BENCHMARKS, type BenchmarkPreset } from './presets/benchmarks.js';
export { STRATEGY_FACTORIES, createStrategy, type StrategyBuildContext } from './registry/strategy-registry.js';
export { runProtocol, buildScenario, buildModel, type EvaluationProtocol, type RunProtocol } from './run/protocol.js';
export { runExperiment, scenarioLabel, type RunExperimentOptions } from './run/experiment.js';
export { loadRunStrategy, readRunDirConfig, RunInterruptedError } from './run/run-setup.js';
export { writeCheckpoint, readCheckpoint, hasCheckpoint, CheckpointError, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type RunProgress } from './run/checkpoint.js';
export { RUN_FILES, runFile, runId, regenerateReports, writeReports, type RunEnvironment } from './run/run-dir.js';
export { subnetworkStoreOf, runCosts, ownershipCapacity, experienceDetails, type StoreHolder } from './run/costs.js';
export { createProgressView } from './progress/create-view.js';
export { PlainView } from './progress/plain-view.js';
export { TerminalView } from './progress/terminal-view.js';
export { QuietView, type ProgressView, type ExperienceHeading } from './progress/progress-view.js';

// retain compare / retain sweep: strategies x benchmarks x seeds in worker processes, aggregated.
export * from './sweep/index.js';

// retain export: a task's sub-network as a plain tfjs LayersModel.
export * from './export/index.js';

// Browser check of report.html in headless Chromium.
export * from './browser/index.js';
