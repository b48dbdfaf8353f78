#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { InvalidArgumentError, RetainError } from '@retain/core';
import { UnsupportedExportError } from '@retain/strategies';
import { ExportTargetExistsError } from '../export/index.js';
import { ConfigError } from '../config/config-error.js';
import { regenerateReports, runFile } from '../run/run-dir.js';
import { RunInterruptedError } from '../run/run-setup.js';
import { EXIT } from './exit-codes.js';
import { presetListing } from './presets-command.js';
import { runCommand, type RunCommandOptions } from './run-command.js';
import { registerExportCommand } from './export-command.js';
import { registerSweepCommands } from '../sweep/index.js';

/** The exit code and stderr line of an error thrown by a command. */
export function describeFailure(error: unknown): { code: number; line: string } {
  if (error instanceof ConfigError) return { code: EXIT.usage, line: error.message };
  if (error instanceof RunInterruptedError) return { code: EXIT.interrupted, line: `interrupted: checkpoint kept; resume with: retain run --resume ${error.runDir}` };
  // A bad request (argument, export target or architecture) is a usage error, like a bad config.
  if (error instanceof InvalidArgumentError || error instanceof ExportTargetExistsError || error instanceof UnsupportedExportError) {
    return { code: EXIT.usage, line: `error [${error.code}]: ${error.message}` };
  }
  if (error instanceof RetainError) return { code: EXIT.failure, line: `error [${error.code}]: ${error.message}` };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof Error && typeof code === 'string') return { code: EXIT.failure, line: `error [${code}]: ${error.message}` }; // file system
  return { code: EXIT.failure, line: `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
}

/** Builds the commander program; each action stores its exit code in `exit.code`. */
export function buildProgram(exit: { code: number }): Command {
  const program = new Command('retain')
    .description('retain: continual learning with compressed, forget-free task sub-networks')
    .exitOverride()
    .showHelpAfterError('(retain --help lists the commands)');
  program
    .command('run')
    .description('run a preset or a config file (or continue one with --resume)')
    .argument('[source]', 'preset name (see `retain presets`) or config JSON file')
    .option('--seed <n>', 'seed (overrides the config)')
    .option('--out <run-dir>', 'the exact run directory')
    .option('--results <dir>', 'parent of run directories', './results')
    .option('--set <path=value>', 'override a config field (repeatable), e.g. --set training.epochs=2', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--backend <name>', 'auto | wasm | cpu | tensorflow | tensorflow-gpu')
    .option('--quiet', 'no progress output')
    .option('--resume <run-dir>', 'continue an interrupted run after its last checkpoint')
    .action(async (source: string | undefined, options: RunCommandOptions) => {
      exit.code = await runCommand(source, options);
    });
  program
    .command('report')
    .description('regenerate metrics.csv, report.md and report.html from metrics.json')
    .argument('<run-dir>')
    .action(async (runDir: string) => {
      await regenerateReports(runDir);
      process.stdout.write(`wrote ${runFile(runDir, 'csv')}, ${runFile(runDir, 'markdown')}, ${runFile(runDir, 'html')}\n`);
      exit.code = EXIT.ok;
    });
  program
    .command('presets')
    .description('list the presets')
    .action(() => {
      process.stdout.write(presetListing());
      exit.code = EXIT.ok;
    });
  registerSweepCommands(program, exit);
  registerExportCommand(program, exit);
  return program;
}

async function main(): Promise<void> {
  const exit: { code: number } = { code: EXIT.ok };
  try {
    await buildProgram(exit).parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      exit.code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      const failure = describeFailure(error);
      process.stderr.write(`${failure.line}\n`);
      exit.code = failure.code;
    }
  }
  process.exitCode = exit.code;
}

await main();
