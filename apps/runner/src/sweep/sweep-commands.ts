import { InvalidArgumentError, RetainError } from '@retain/core';
import type { Command } from 'commander';
import { join } from 'node:path';
import { checkCellConfigs } from './cell-config-check.js';
import { defaultJobs } from './cell-pool.js';
import { parseGridOption, parseNameList, parseSeedList } from './option-parsing.js';
import { readPlan } from './plan-file.js';
import { COMPARE_SUITES } from './suites.js';
import { executeSweep } from './sweep-execute.js';
import { planCompare, planSweep, sourceLabel, type SweepPlan } from './sweep-plan.js';
import { safeNamePart } from './cell-ids.js';

/** Options shared by `retain compare` and `retain sweep`, as commander parses them. */
interface SharedOptions {
  readonly seeds?: string;
  readonly set: string[];
  readonly jobs?: string;
  readonly out?: string;
  readonly results: string;
  readonly resume?: string;
}

interface CompareOptions extends SharedOptions {
  readonly suite?: string;
  readonly strategies?: string;
  readonly benchmarks?: string;
}

interface SweepOptions extends SharedOptions {
  readonly grid: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `yyyymmdd-hhmmss` in UTC, for default sweep directory names. */
export function timestamp(date: Date = new Date()): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

function parseJobs(text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const jobs = Number(text);
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new InvalidArgumentError('--jobs', text, 'an integer >= 1');
  return jobs;
}

/** The plan of `retain compare` from its options (exported for tests). */
export function compareFromOptions(options: CompareOptions, now: Date = new Date()): { plan: SweepPlan; jobs: number | undefined } {
  const suite = options.suite === undefined ? undefined : COMPARE_SUITES[options.suite];
  if (options.suite !== undefined && suite === undefined) {
    throw new InvalidArgumentError('--suite', options.suite, `one of ${Object.keys(COMPARE_SUITES).join(', ')}`);
  }
  const strategies = options.strategies === undefined ? suite?.strategies : parseNameList('--strategies', options.strategies);
  const benchmarks = options.benchmarks === undefined ? suite?.benchmarks : parseNameList('--benchmarks', options.benchmarks);
  if (strategies === undefined) throw new InvalidArgumentError('--strategies', undefined, 'a list like ada-qpacknet,packnet (or --suite)');
  if (benchmarks === undefined) throw new InvalidArgumentError('--benchmarks', undefined, 'a list like pfmnist-10,sfmnist-5-til (or --suite)');
  const seeds = options.seeds === undefined ? (suite?.seeds ?? [0]) : parseSeedList(options.seeds);
  const name = suite === undefined ? 'compare' : `compare-${suite.name}`;
  const sweepDir = options.out ?? join(options.results, `${name}-${timestamp(now)}`);
  const plan = planCompare({ strategies, benchmarks, seeds, overrides: [...(suite?.overrides ?? []), ...options.set], sweepDir });
  return { plan, jobs: parseJobs(options.jobs, suite?.jobs) };
}

/** The plan of `retain sweep <base>` from its options (exported for tests). */
export function sweepFromOptions(base: string, options: SweepOptions, now: Date = new Date()): { plan: SweepPlan; jobs: number | undefined } {
  const grid = options.grid.map(parseGridOption);
  const seeds = options.seeds === undefined ? [0] : parseSeedList(options.seeds);
  const sweepDir = options.out ?? join(options.results, `sweep-${safeNamePart(sourceLabel(base))}-${timestamp(now)}`);
  const plan = planSweep({ base, grid, seeds, overrides: options.set, sweepDir });
  return { plan, jobs: parseJobs(options.jobs, undefined) };
}

async function runCommand(command: 'compare' | 'sweep', makePlan: () => { plan: SweepPlan; jobs: number | undefined }, resume: string | undefined, jobsText: string | undefined): Promise<number> {
  try {
    const { plan, jobs } = resume === undefined ? makePlan() : { plan: await readPlan(resume), jobs: parseJobs(jobsText, undefined) };
    if (plan.kind !== command) throw new InvalidArgumentError('--resume', resume, `a directory made by retain ${command} (this one is a ${plan.kind})`);
    if (resume === undefined) await checkCellConfigs(plan);
    const execution = await executeSweep(plan, { jobs, resume: resume !== undefined, handleSignals: true });
    return execution.exitCode;
  } catch (error) {
    if (error instanceof RetainError) {
      process.stderr.write(`${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function addSharedOptions(command: Command): Command {
  return command
    .option('--seeds <list>', 'seeds, e.g. 0,1,2 or 0-4 (default 0)')
    .option('--set <path=value>', 'override given to every cell (repeatable), as in retain run --set', collect, [])
    .option('--jobs <n>', `cells run at once (default: one per two cores, at least 1; here ${defaultJobs()})`)
    .option('--out <dir>', 'the sweep directory (default <results>/<name>-<yyyymmdd-hhmmss>)')
    .option('--results <dir>', 'parent of the default sweep directory', './results')
    .option('--resume <sweep-dir>', 'continue an interrupted sweep: skip complete cells, resume checkpointed ones');
}

/**
 * Adds `retain compare` (strategies x benchmarks x seeds, or a built-in
 * `--suite`) and `retain sweep` (a base preset/config x a `--grid` of option
 * values x seeds) to a commander program. Each runs its cells as
 * `retain run` child processes, at most `--jobs` at once, and writes
 * sweep.json, summary.md and summary.html in the sweep directory. The exit
 * code (0 ok, 1 a cell failed, 2 usage error, 130 interrupted) goes to
 * `exit.code` when given (the CLI main's convention), else to
 * `process.exitCode`.
 */
export function registerSweepCommands(program: Command, exit?: { code: number }): void {
  const setExit = (code: number): void => {
    if (exit === undefined) process.exitCode = code;
    else exit.code = code;
  };
  const suites = Object.values(COMPARE_SUITES)
    .map((suite) => `${suite.name}: ${suite.description}`)
    .join('; ');
  addSharedOptions(
    program
      .command('compare')
      .description('run strategies x benchmarks x seeds (presets <strategy>-<benchmark>) in parallel and tabulate mean ± std')
      .option('--suite <name>', `a built-in comparison (${suites})`)
      .option('--strategies <list>', 'strategies, comma-separated, e.g. ada-qpacknet,packnet')
      .option('--benchmarks <list>', 'benchmarks, comma-separated, e.g. pfmnist-10,sfmnist-5-til'),
  ).action(async (options: CompareOptions) => {
    setExit(await runCommand('compare', () => compareFromOptions(options), options.resume, options.jobs));
  });
  addSharedOptions(
    program
      .command('sweep')
      .description('run one preset or config over a grid of option values x seeds in parallel and tabulate mean ± std')
      .argument('[base]', 'preset name or config.json (not needed with --resume)')
      .option('--grid <path=values>', 'one grid axis, e.g. strategy.options.bits=2,4,8 (repeatable; the cells are the product)', collect, []),
  ).action(async (base: string | undefined, options: SweepOptions) => {
    setExit(
      await runCommand(
        'sweep',
        () => {
          if (base === undefined) throw new InvalidArgumentError('base', base, 'a preset name or config file (or --resume <sweep-dir>)');
          return sweepFromOptions(base, options);
        },
        options.resume,
        options.jobs,
      ),
    );
  });
}
