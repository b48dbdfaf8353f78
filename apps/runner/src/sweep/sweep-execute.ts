import { availableParallelism, cpus } from 'node:os';
import { runCells, type CellOutcome } from './cell-pool.js';
import { writeNewPlan } from './plan-file.js';
import { aggregateSweep, type AggregatedSweep } from './sweep-aggregate.js';
import { formatDuration } from './sweep-format.js';
import { createSweepProgress } from './sweep-progress.js';
import { sweepMarkdown, sweepStatusLine, writeSweepReports, type SweepReportPaths } from './sweep-report.js';
import type { SweepPlan } from './sweep-plan.js';

/** A writable text stream (process.stdout, or a collector in tests). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Options of {@link executeSweep}. */
export interface ExecuteSweepOptions {
  /** Most cells at once (default: runCells' default, one per two cores). */
  readonly jobs?: number;
  /** Continue a sweep whose plan.json exists (true), or start one and write plan.json (false, default). */
  readonly resume?: boolean;
  /** The CLI script each cell runs (default: the build's `cli/main.js`). */
  readonly cliPath?: string;
  /** Stops the sweep like Ctrl-C does. */
  readonly signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers that abort the sweep (default false; the CLI sets it). */
  readonly handleSignals?: boolean;
  /** Where the summary table and report paths go (default process.stdout). */
  readonly stdout?: TextSink;
  /** Where progress lines go (default process.stderr). */
  readonly stderr?: TextSink;
  /** Report title. */
  readonly title?: string;
  /** Milliseconds between SIGINT and SIGKILL of a child on abort (default 60 000). */
  readonly killGraceMs?: number;
}

/** What {@link executeSweep} did. */
export interface SweepExecution {
  /** 0 all cells complete; 1 some cell failed; 130 interrupted (resume with `--resume`). */
  readonly exitCode: 0 | 1 | 130;
  /** One outcome per cell, in plan order. */
  readonly outcomes: readonly CellOutcome[];
  /** The aggregated results. */
  readonly aggregated: AggregatedSweep;
  /** Where the reports were written. */
  readonly paths: SweepReportPaths;
  /** Wall-clock seconds of the whole command. */
  readonly wallSeconds: number;
}

/**
 * Runs a planned compare or sweep end to end: writes plan.json (unless
 * resuming), runs the cells in worker processes (runCells), aggregates every
 * cell's metrics.json, writes sweep.json, summary.md and summary.html (also
 * after a failure or an interrupt, over what is complete), and prints the
 * Markdown tables and the report paths.
 */
export async function executeSweep(plan: SweepPlan, options: ExecuteSweepOptions = {}): Promise<SweepExecution> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const started = performance.now();
  if (options.resume !== true) await writeNewPlan(plan);
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  if (options.signal?.aborted) controller.abort();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      stderr.write('\ninterrupting: asking the running cells to save a checkpoint (press Ctrl-C again to kill them)\n');
      controller.abort();
    } else {
      // The pool kills its children on exit.
      process.exit(130);
    }
  };
  if (options.handleSignals === true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const progress = createSweepProgress(plan.cells.length, { stream: stderr });
  let outcomes: CellOutcome[];
  try {
    outcomes = await runCells(plan.cells, {
      jobs: options.jobs,
      signal: controller.signal,
      onEvent: progress.onEvent,
      ...(options.cliPath === undefined ? {} : { cliPath: options.cliPath }),
      ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
    });
  } finally {
    progress.stop();
    if (options.handleSignals === true) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  const aggregated = await aggregateSweep(plan, outcomes);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const subtitle = `${sweepStatusLine(aggregated, wallSeconds)} on ${availableParallelism()} core(s) (${cpu}).`;
  const reportOptions = { subtitle, ...(options.title === undefined ? {} : { title: options.title }) };
  const paths = await writeSweepReports(plan.sweepDir, aggregated, reportOptions);
  const interrupted = controller.signal.aborted && outcomes.some((outcome) => outcome.status === 'interrupted' || outcome.status === 'not-started');
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  stdout.write(`\n${sweepMarkdown(aggregated, reportOptions)}\n`);
  stdout.write(`Results: ${paths.json}\nMarkdown: ${paths.markdown}\nReport: ${paths.html}\n`);
  stdout.write(`Wall time: ${formatDuration(wallSeconds)}\n`);
  if (failed.length > 0) stderr.write(`${failed.length} cell(s) failed: ${failed.map((outcome) => outcome.cell.id).join(', ')} (see their run.log)\n`);
  if (interrupted) stderr.write(`Interrupted. Continue with: retain ${plan.kind} --resume ${plan.sweepDir}\n`);
  const exitCode = interrupted ? 130 : failed.length > 0 ? 1 : 0;
  return { exitCode, outcomes, aggregated, paths, wallSeconds };
}
