import type { RunResults } from '@retain/evaluation';
import type { ProgressEvent } from '@retain/strategies';

/** Where an experience sits in the run, for progress output. */
export interface ExperienceHeading {
  /** 0-based index. */
  readonly index: number;
  readonly total: number;
  readonly taskId: number;
  /** The experience's description ('permutation 3', 'classes 2,3', ...). */
  readonly description: string;
}

/**
 * What the run shows while it runs: progress of training (from the
 * strategies' progress events), a console table after each experience,
 * and one-line messages. Implementations: terminal bars, plain lines, quiet.
 */
export interface ProgressView {
  /** An experience starts training. */
  experienceStarted(heading: ExperienceHeading): void;
  /** A strategy's progress event (the StrategyContext's progress sink). */
  event(event: ProgressEvent): void;
  /** An experience was trained and evaluated: the results so far. */
  experienceEnded(results: RunResults): void;
  /** A line of information (data source, run directory, ...). */
  message(line: string): void;
  /** Ends the display (stops a bar). */
  stop(): void;
}

/** Shows nothing (`--quiet`). */
export class QuietView implements ProgressView {
  experienceStarted(): void {}
  event(): void {}
  experienceEnded(): void {}
  message(): void {}
  stop(): void {}
}

/** Seconds as `1m05s` / `12s`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
