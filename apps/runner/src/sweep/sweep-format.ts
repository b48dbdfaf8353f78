import { formatBytes } from '@retain/evaluation';
import type { SweepStat } from './sweep-aggregate.js';

/** Text for a value that was not measured. */
export const MISSING = '—';

function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  // A value that rounds to zero prints as 0, never -0.
  return Number(text) === 0 ? text.replace('-', '') : text;
}

/** A fraction over seeds in percent: `81.23 ± 0.45`, the mean alone for one seed, {@link MISSING} for none. */
export function formatPercentStat(value: SweepStat | null, digits = 2): string {
  if (value === null) return MISSING;
  const mean = fixed(value.mean * 100, digits);
  return value.std === null ? mean : `${mean} ± ${fixed(value.std * 100, digits)}`;
}

/** Plain numbers over seeds: `12.3 ± 0.4` with `digits` decimals. */
export function formatNumberStat(value: SweepStat | null, digits = 1): string {
  if (value === null) return MISSING;
  const mean = fixed(value.mean, digits);
  return value.std === null ? mean : `${mean} ± ${fixed(value.std, digits)}`;
}

/** Stored bytes over seeds: the mean in binary units and, with a ratio, `(8.2×)`. */
export function formatSizeStat(bytes: SweepStat | null, ratio: SweepStat | null): string {
  if (bytes === null) return MISSING;
  return ratio === null ? formatBytes(bytes.mean) : `${formatBytes(bytes.mean)} (${ratio.mean.toFixed(1)}×)`;
}

/** Seconds as `42.1 s` or `3 min 05 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}
