// retain export: a task's sub-network as a plain tfjs LayersModel (the lead re-exports this barrel).
export { exportCommand, formatExportSummary, type ExportCommandOptions, type RunStrategyLoader } from './export-command.js';
export { exportTaskModel, type ExportMetadata, type ExportOptions, type ExportSummary } from './export-task-model.js';
export { buildLayersModel } from './build-layers-model.js';
export { loadModelFiles, saveModelFiles, MODEL_JSON_FILE, WEIGHTS_FILE, type SavedModelFiles } from './model-files.js';
export { ExportTargetExistsError, ExportedModelFormatError } from './export-errors.js';
