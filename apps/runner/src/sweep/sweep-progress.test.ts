import { describe, expect, it } from 'vitest';
import type { CellOutcome } from './cell-pool.js';
import { formatDuration } from './sweep-format.js';
import { createSweepProgress, finishedLines } from './sweep-progress.js';
import { planCompare } from './sweep-plan.js';

const [cell] = planCompare({ strategies: ['packnet'], benchmarks: ['pfmnist-10'], seeds: [0], sweepDir: '/s' }).cells;
const base: CellOutcome = { cell: cell!, status: 'succeeded', mode: 'fresh', exitCode: 0, signal: null, seconds: 61.2, logPath: '/s/runs/x/run.log', logTail: [], error: null };

describe('sweep progress', () => {
  it('prints one line per started and finished cell with counts and times (no bar off a TTY)', () => {
    let text = '';
    let clock = 0;
    const progress = createSweepProgress(3, { stream: { write: (chunk: string) => (text += chunk), isTTY: false }, now: () => clock });
    progress.onEvent({ type: 'started', cell: cell!, mode: 'fresh', running: 1, finished: 0, total: 3 });
    clock = 125_000;
    progress.onEvent({ type: 'finished', outcome: base, running: 0, finished: 1, total: 3 });
    progress.onEvent({ type: 'skipped', cell: cell!, finished: 2, total: 3 });
    progress.stop();
    expect(text).toBe(
      '[0/3] packnet-pfmnist-10-s0 started (1 running, elapsed 0.0 s)\n' +
        '[1/3] packnet-pfmnist-10-s0 done in 1 min 01 s (elapsed 2 min 05 s)\n' +
        '[2/3] packnet-pfmnist-10-s0 already complete, skipped\n',
    );
  });

  it('shows the exit code and the end of the log of a failed cell', () => {
    const failed = { ...base, status: 'failed' as const, exitCode: 2, logTail: ['packnet-pfmnist-10: training.epochs: expected a positive integer, got 0'] };
    expect(finishedLines(failed, 2, 12, 3)).toEqual([
      '[ 2/12] packnet-pfmnist-10-s0 FAILED (exit 2) in 1 min 01 s (elapsed 3.0 s); log: /s/runs/x/run.log',
      '    | packnet-pfmnist-10: training.epochs: expected a positive integer, got 0',
    ]);
    expect(finishedLines({ ...base, status: 'interrupted', exitCode: null, signal: 'SIGKILL' }, 1, 1, 3)[0]).toContain('INTERRUPTED (signal SIGKILL)');
  });

  it('formats durations', () => {
    expect(formatDuration(4.04)).toBe('4.0 s');
    expect(formatDuration(119.6)).toBe('2 min 00 s');
    expect(formatDuration(3601)).toBe('60 min 01 s');
  });
});
