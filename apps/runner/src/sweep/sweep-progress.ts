import cliProgress from 'cli-progress';
import type { CellOutcome, CellPoolEvent } from './cell-pool.js';
import { formatDuration } from './sweep-format.js';

/** Receives the pool's events and prints them; `stop` ends the display. */
export interface SweepProgress {
  /** Pass to runCells' `onEvent`. */
  readonly onEvent: (event: CellPoolEvent) => void;
  /** Removes the bar (if any); call before printing the summary. */
  readonly stop: () => void;
}

/** Options of {@link createSweepProgress}. */
export interface SweepProgressOptions {
  /** Where to write (default process.stderr). */
  readonly stream?: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  /** Show a cli-progress bar under the lines (default: when the stream is a TTY). */
  readonly bar?: boolean;
  /** The clock, in milliseconds (default performance.now; for tests). */
  readonly now?: () => number;
}

function counter(finished: number, total: number): string {
  const width = String(total).length;
  return `[${String(finished).padStart(width)}/${total}]`;
}

/** The lines printed when a cell finishes: status, time, and for a failure the end of its log. */
export function finishedLines(outcome: CellOutcome, finished: number, total: number, elapsed: number): string[] {
  const where = `${counter(finished, total)} ${outcome.cell.id}`;
  const time = `in ${formatDuration(outcome.seconds)} (elapsed ${formatDuration(elapsed)})`;
  if (outcome.status === 'succeeded') return [`${where} done ${time}`];
  const how = outcome.error ?? (outcome.exitCode !== null ? `exit ${outcome.exitCode}` : `signal ${outcome.signal ?? 'unknown'}`);
  const lines = [`${where} ${outcome.status.toUpperCase()} (${how}) ${time}; log: ${outcome.logPath}`];
  if (outcome.status === 'failed') lines.push(...outcome.logTail.map((line) => `    | ${line}`));
  return lines;
}

/**
 * Progress of a sweep: one line per started, skipped and finished cell with
 * the elapsed time and a running count; on a TTY also a cli-progress bar
 * (cells done / total, running, elapsed) kept under the lines.
 */
export function createSweepProgress(total: number, options: SweepProgressOptions = {}): SweepProgress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const start = now();
  const elapsed = (): number => (now() - start) / 1000;
  const useBar = options.bar ?? stream.isTTY === true;
  const multi = useBar
    ? new cliProgress.MultiBar(
        {
          stream: stream as NodeJS.WriteStream,
          format: 'cells {bar} {value}/{total} | running {running} | {elapsedText}',
          hideCursor: true,
          clearOnComplete: true,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bar = multi?.create(total, 0, { running: 0, elapsedText: formatDuration(0) });
  const print = (lines: readonly string[]): void => {
    const text = `${lines.join('\n')}\n`;
    if (multi !== undefined) multi.log(text);
    else stream.write(text);
  };
  const ticker = bar === undefined ? undefined : setInterval(() => bar.update({ elapsedText: formatDuration(elapsed()) }), 1000);
  ticker?.unref();

  const onEvent = (event: CellPoolEvent): void => {
    if (event.type === 'skipped') {
      print([`${counter(event.finished, event.total)} ${event.cell.id} already complete, skipped`]);
      bar?.update(event.finished, { elapsedText: formatDuration(elapsed()) });
    } else if (event.type === 'started') {
      const how = event.mode === 'resume' ? 'resuming from its checkpoint' : 'started';
      print([`${counter(event.finished, event.total)} ${event.cell.id} ${how} (${event.running} running, elapsed ${formatDuration(elapsed())})`]);
      bar?.update(event.finished, { running: event.running, elapsedText: formatDuration(elapsed()) });
    } else {
      print(finishedLines(event.outcome, event.finished, event.total, elapsed()));
      bar?.update(event.finished, { running: event.running, elapsedText: formatDuration(elapsed()) });
    }
  };
  const stop = (): void => {
    if (ticker !== undefined) clearInterval(ticker);
    multi?.stop();
  };
  return { onEvent, stop };
}
