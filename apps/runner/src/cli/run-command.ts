import { join } from 'node:path';
import { BACKEND_CHOICES } from '@retain/core';
import { loadRunConfig } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { createProgressView } from '../progress/create-view.js';
import { hasCheckpoint } from '../run/checkpoint.js';
import { runExperiment } from '../run/experiment.js';
import { runId } from '../run/run-dir.js';
import { readRunDirConfig } from '../run/run-setup.js';
import { ConfigError } from '../config/config-error.js';
import { EXIT } from './exit-codes.js';

/** Options of `retain run`, as commander parses them. */
export interface RunCommandOptions {
  readonly seed?: string;
  readonly out?: string;
  readonly results: string;
  readonly set: readonly string[];
  readonly backend?: string;
  readonly quiet?: boolean;
  readonly resume?: string;
}

function cliOverrides(options: RunCommandOptions): string[] {
  const overrides = [...options.set];
  if (options.seed !== undefined) {
    if (!/^\d+$/.test(options.seed)) throw new ConfigError('--seed', 'seed', 'a non-negative integer', JSON.stringify(options.seed));
    overrides.push(`seed=${options.seed}`);
  }
  if (options.backend !== undefined) {
    if (!(BACKEND_CHOICES as readonly string[]).includes(options.backend)) {
      throw new ConfigError('--backend', 'backend', `one of ${BACKEND_CHOICES.join(', ')}`, JSON.stringify(options.backend));
    }
    overrides.push(`backend=${JSON.stringify(options.backend)}`);
  }
  return overrides;
}

async function resolveRun(source: string | undefined, options: RunCommandOptions): Promise<{ config: RunConfig; runDir: string; resume: boolean }> {
  if (options.resume !== undefined) {
    if (source !== undefined || options.set.length > 0 || options.seed !== undefined || options.out !== undefined || options.backend !== undefined) {
      throw new ConfigError('--resume', 'resume', 'only a run directory (the run keeps its own config.json)', JSON.stringify(source ?? options.set.join(' ')));
    }
    const config = await readRunDirConfig(options.resume);
    return { config, runDir: options.resume, resume: hasCheckpoint(options.resume) };
  }
  if (source === undefined) throw new ConfigError('retain run', 'source', 'a preset name, a config file or --resume <run-dir>', 'nothing');
  const config = await loadRunConfig(source, cliOverrides(options));
  return { config, runDir: options.out ?? join(options.results, runId(config)), resume: false };
}

/**
 * `retain run <preset | config.json>` / `retain run --resume <run-dir>`.
 * Returns the exit code; SIGINT aborts training between batches, keeps the
 * last checkpoint and prints the resume command (exit 130).
 */
export async function runCommand(source: string | undefined, options: RunCommandOptions): Promise<number> {
  const { config, runDir, resume } = await resolveRun(source, options);
  const view = createProgressView({ quiet: options.quiet === true });
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted); // a second Ctrl-C: stop now
    controller.abort('SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    view.message(`${resume ? 'resuming' : 'run'} ${config.name} (${config.strategy.name}, seed ${config.seed}) in ${runDir}`);
    const results = await runExperiment(config, { runDir, progress: view, signal: controller.signal, resume });
    const acc = results.metrics.acc;
    view.message(`done: ACC ${acc === null ? 'n/a' : `${(acc * 100).toFixed(2)} %`}; results in ${runDir}`);
    return EXIT.ok;
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
  }
}
