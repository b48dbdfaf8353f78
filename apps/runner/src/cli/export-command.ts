import type { Command } from 'commander';
import { InvalidArgumentError } from '@retain/core';
import { exportCommand, formatExportSummary } from '../export/index.js';
import { loadRunStrategy } from '../run/run-setup.js';
import { EXIT } from './exit-codes.js';

interface ExportFlags {
  readonly task?: string;
  readonly out: string;
  readonly force?: boolean;
}

/** Parses `--task`: a non-negative integer, or undefined when absent. */
function parseTask(task: string | undefined): number | undefined {
  if (task === undefined) return undefined;
  const value = Number(task);
  if (!/^\d+$/.test(task) || !Number.isSafeInteger(value)) throw new InvalidArgumentError('--task', task, 'a non-negative integer');
  return value;
}

/** Adds `retain export <run-dir> --task t --out dir [--force]` to `program`. */
export function registerExportCommand(program: Command, exit: { code: number }): void {
  program
    .command('export')
    .description("write a task's sub-network as a plain tfjs LayersModel (model.json + weights.bin)")
    .argument('<run-dir>', 'a run directory written by `retain run`')
    .option('--task <t>', 'the task to export (omit for a single-head class-incremental run)')
    .requiredOption('--out <dir>', 'output directory (absent or empty unless --force)')
    .option('--force', 'replace a non-empty output directory')
    .action(async (runDir: string, flags: ExportFlags) => {
      const task = parseTask(flags.task);
      const summary = await exportCommand(runDir, {
        ...(task !== undefined ? { task } : {}),
        out: flags.out,
        force: flags.force === true,
        load: loadRunStrategy,
      });
      process.stdout.write(`${formatExportSummary(summary)}\n`);
      exit.code = EXIT.ok;
    });
}
