import { InvalidArgumentError } from '@retain/core';
import type { Strategy } from '@retain/strategies';
import { exportTaskModel, type ExportSummary } from './export-task-model.js';

/** Rebuilds a run's strategy from its directory (the runner's loadRunStrategy; the caller disposes the strategy). */
export type RunStrategyLoader = (runDir: string) => Promise<{ readonly strategy: Strategy; readonly tasksTrained: number }>;

/** Options of `retain export <run-dir> --task t --out dir [--force]`. */
export interface ExportCommandOptions {
  /** Task to export; omit for a single-head network trained on a class- or domain-incremental scenario. */
  readonly task?: number;
  /** Output directory (created; must be absent or empty unless `force`). */
  readonly out: string;
  /** Replace a non-empty output directory. Default false. */
  readonly force?: boolean;
  /** How to rebuild the run's strategy (pass the runner's loadRunStrategy). */
  readonly load: RunStrategyLoader;
}

/**
 * `retain export`: rebuilds the run's strategy from `runDir`'s checkpoint,
 * writes task `options.task`'s sub-network as a plain tfjs LayersModel into
 * `options.out` (see {@link exportTaskModel}) and disposes the strategy.
 */
export async function exportCommand(runDir: string, options: ExportCommandOptions): Promise<ExportSummary> {
  if (options.task !== undefined && (!Number.isInteger(options.task) || options.task < 0)) {
    throw new InvalidArgumentError('--task', options.task, 'a non-negative integer');
  }
  if (typeof options.out !== 'string' || options.out.length === 0) throw new InvalidArgumentError('--out', options.out, 'an output directory');
  const { strategy } = await options.load(runDir);
  try {
    return await exportTaskModel(strategy, options.task, options.out, options.force === true ? { force: true } : {});
  } finally {
    strategy.dispose();
  }
}

/** The lines `retain export` prints after writing a model. */
export function formatExportSummary(s: ExportSummary): string {
  const task = s.taskId === undefined ? 'the shared head' : `task ${s.taskId}`;
  return [
    `exported ${s.strategy} ${task} (${s.architecture}, input [${s.inputShape.join(', ')}], ${s.classes} logits) to ${s.dir}`,
    `  ${s.modelJson}`,
    `  ${s.weights} (${s.parameters} values, ${s.weightBytes} bytes)`,
    `  layers: ${s.layers.join(' - ')}`,
    ...(s.allowedClasses !== undefined ? [`  classes the model can predict: ${s.allowedClasses.join(', ')} (others have logit -Infinity, as in retain's predict)`] : []),
    `  load it with tf.loadLayersModel('<url>/model.json') in a browser, or 'file://${s.modelJson}' with @tensorflow/tfjs-node`,
  ].join('\n');
}
