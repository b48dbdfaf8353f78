import { InvalidArgumentError } from '@retain/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CELL_FILES, cellDiskState } from './cell-state.js';
import { cellRunArgs, type SweepCell } from './sweep-plan.js';

/**
 * How a cell ended in this invocation:
 * - `succeeded`: its `retain run` exited 0;
 * - `skipped`: it was already complete on disk (a resumed sweep);
 * - `failed`: the run exited non-zero (not by our interrupt) or could not start;
 * - `interrupted`: stopped by the abort signal (its checkpoint, if any, is kept);
 * - `not-started`: the sweep was aborted before its turn.
 */
export type CellStatus = 'succeeded' | 'skipped' | 'failed' | 'interrupted' | 'not-started';

/** What happened to one cell. */
export interface CellOutcome {
  /** The cell. */
  readonly cell: SweepCell;
  /** How it ended. */
  readonly status: CellStatus;
  /** Fresh start or `--resume` from its checkpoint; null when it did not run. */
  readonly mode: 'fresh' | 'resume' | null;
  /** The child's exit code (null when it did not run or died by a signal). */
  readonly exitCode: number | null;
  /** The signal that ended the child, if any. */
  readonly signal: string | null;
  /** Wall-clock seconds of the child (0 when it did not run). */
  readonly seconds: number;
  /** The cell's log file. */
  readonly logPath: string;
  /** The last lines of the log (failed and interrupted cells), else empty. */
  readonly logTail: readonly string[];
  /** Why a cell could not start (spawn error), else null. */
  readonly error: string | null;
}

/** Progress events of {@link runCells}, in the order they happen. */
export type CellPoolEvent =
  | { readonly type: 'skipped'; readonly cell: SweepCell; readonly finished: number; readonly total: number }
  | { readonly type: 'started'; readonly cell: SweepCell; readonly mode: 'fresh' | 'resume'; readonly running: number; readonly finished: number; readonly total: number }
  | { readonly type: 'finished'; readonly outcome: CellOutcome; readonly running: number; readonly finished: number; readonly total: number };

/** Options of {@link runCells}. */
export interface RunCellsOptions {
  /** Most cells running at once (default {@link defaultJobs}). */
  readonly jobs?: number;
  /** Aborting stops new cells, sends SIGINT to running ones and, after `killGraceMs`, SIGKILL. */
  readonly signal?: AbortSignal;
  /** Receives progress events. */
  readonly onEvent?: (event: CellPoolEvent) => void;
  /** The CLI script run by `node` (default: this build's `cli/main.js`). */
  readonly cliPath?: string;
  /** The Node executable (default `process.execPath`). */
  readonly nodePath?: string;
  /** The argument vector of a cell after the CLI path (default {@link cellRunArgs}). */
  readonly argsFor?: (cell: SweepCell, mode: 'fresh' | 'resume') => string[];
  /** Milliseconds between SIGINT and SIGKILL on abort (default 60 000: time to write a checkpoint). */
  readonly killGraceMs?: number;
  /** Lines of a failed cell's log kept in its outcome (default 20). */
  readonly tailLines?: number;
}

/** Default parallelism: one cell per two logical cores, at least one (ours; each cell's tfjs uses a core and memory). */
export function defaultJobs(cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** The CLI entry point next to this module in the build (`dist/cli/main.js`). */
export function defaultCliPath(): string {
  return fileURLToPath(new URL('../cli/main.js', import.meta.url));
}

/** The last `count` non-empty lines of a log file (reads at most its last 64 KiB); empty when unreadable. */
export async function logTail(path: string, count: number): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text.slice(-65_536).split(/\r?\n/).filter((line) => line.trim() !== '').slice(-count);
  } catch {
    return [];
  }
}

interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly error: string | null;
}

function waitForChild(child: ChildProcess): Promise<ChildResult> {
  return new Promise((resolve) => {
    let spawnError: string | null = null;
    child.once('error', (error) => {
      spawnError = error.message;
      // A child that never spawned emits no 'close'.
      if (child.pid === undefined) resolve({ exitCode: null, signal: null, error: spawnError });
    });
    child.once('close', (code, signal) => resolve({ exitCode: code, signal, error: spawnError }));
  });
}

/**
 * Runs the cells as child processes (`node <cli> run ...`), at most `jobs`
 * at once, in plan order. Each child's stdout and stderr are appended to
 * `<runDir>/run.log`. Before a cell starts its directory is inspected
 * ({@link cellDiskState}): a complete cell is skipped, a cell with a
 * checkpoint is continued with `run --resume`, any other leftover directory
 * is removed and the cell starts fresh. A failing cell does not stop the
 * others. On abort no new cell starts; running children get SIGINT (the
 * runner then saves a checkpoint and exits 130) and SIGKILL after
 * `killGraceMs`. Resolves with one outcome per cell, in plan order.
 */
export async function runCells(cells: readonly SweepCell[], options: RunCellsOptions = {}): Promise<CellOutcome[]> {
  const jobs = options.jobs ?? defaultJobs();
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new InvalidArgumentError('jobs', jobs, 'an integer >= 1');
  const cliPath = options.cliPath ?? defaultCliPath();
  const nodePath = options.nodePath ?? process.execPath;
  const argsFor = options.argsFor ?? cellRunArgs;
  const killGraceMs = options.killGraceMs ?? 60_000;
  const tailLines = options.tailLines ?? 20;
  const signal = options.signal;
  const outcomes: Array<CellOutcome | undefined> = cells.map(() => undefined);
  const running = new Set<ChildProcess>();
  let next = 0;
  let finished = 0;
  const emit = (event: CellPoolEvent): void => options.onEvent?.(event);

  const killTimers: NodeJS.Timeout[] = [];
  const interruptAll = (): void => {
    for (const child of running) child.kill('SIGINT');
    const timer = setTimeout(() => {
      for (const child of running) child.kill('SIGKILL');
    }, killGraceMs);
    timer.unref();
    killTimers.push(timer);
  };
  // A sweep that exits for any reason must not leave its children behind.
  const killOnExit = (): void => {
    for (const child of running) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', interruptAll, { once: true });
  process.on('exit', killOnExit);

  const runOne = async (cell: SweepCell): Promise<CellOutcome> => {
    const logPath = join(cell.runDir, CELL_FILES.log);
    const base = { cell, logPath, exitCode: null, signal: null, seconds: 0, logTail: [], error: null } as const;
    const state = await cellDiskState(cell.runDir);
    if (state === 'complete') {
      finished += 1;
      emit({ type: 'skipped', cell, finished, total: cells.length });
      return { ...base, status: 'skipped', mode: null };
    }
    if (signal?.aborted) return { ...base, status: 'not-started', mode: null };
    const mode = state === 'checkpoint' ? 'resume' : 'fresh';
    const args = [cliPath, ...argsFor(cell, mode)];
    const started = performance.now();
    let child: ChildProcess;
    let exited: Promise<ChildResult>;
    try {
      if (mode === 'fresh') await rm(cell.runDir, { recursive: true, force: true });
      await mkdir(cell.runDir, { recursive: true });
      const log = await open(logPath, 'a');
      try {
        await log.write(`# ${new Date().toISOString()} ${mode === 'resume' ? 'resuming' : 'starting'}: ${[nodePath, ...args].join(' ')}\n`);
        // Own process group: a terminal's Ctrl-C reaches only the sweep, which forwards one SIGINT per child.
        child = spawn(nodePath, args, { stdio: ['ignore', log.fd, log.fd], detached: true, env: process.env });
        // Listen at once: a spawn error is emitted on the next tick.
        exited = waitForChild(child);
      } finally {
        await log.close();
      }
    } catch (error) {
      // The cell directory or its log could not be prepared: this cell fails, the others go on.
      return { ...base, status: 'failed', mode, error: error instanceof Error ? error.message : String(error) };
    }
    running.add(child);
    // Aborted while this cell was being prepared: the abort handler has already run.
    if (signal?.aborted) child.kill('SIGINT');
    emit({ type: 'started', cell, mode, running: running.size, finished, total: cells.length });
    const result = await exited;
    running.delete(child);
    const seconds = (performance.now() - started) / 1000;
    const interrupted = signal?.aborted === true && result.exitCode !== 0;
    const status: CellStatus = result.exitCode === 0 ? 'succeeded' : interrupted ? 'interrupted' : 'failed';
    const tail = status === 'succeeded' ? [] : await logTail(logPath, tailLines);
    return { ...base, status, mode, exitCode: result.exitCode, signal: result.signal, seconds, logTail: tail, error: result.error };
  };

  const worker = async (): Promise<void> => {
    while (next < cells.length) {
      const index = next;
      next += 1;
      const cell = cells[index];
      if (cell === undefined) continue;
      if (signal?.aborted) {
        outcomes[index] = { cell, status: 'not-started', mode: null, exitCode: null, signal: null, seconds: 0, logPath: join(cell.runDir, CELL_FILES.log), logTail: [], error: null };
        continue;
      }
      const outcome = await runOne(cell);
      outcomes[index] = outcome;
      if (outcome.status !== 'skipped' && outcome.status !== 'not-started') {
        finished += 1;
        emit({ type: 'finished', outcome, running: running.size, finished, total: cells.length });
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, cells.length)) }, worker));
  } finally {
    signal?.removeEventListener('abort', interruptAll);
    process.off('exit', killOnExit);
    for (const timer of killTimers) clearTimeout(timer);
  }
  return outcomes.map((outcome, index) => {
    if (outcome === undefined) throw new Error(`internal: cell ${index} has no outcome`);
    return outcome;
  });
}
