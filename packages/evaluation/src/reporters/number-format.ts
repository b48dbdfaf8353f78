import type { MeanStd } from '../metrics/seed-statistics.js';

/** Text shown for a value that is not defined. */
export const MISSING = '—';

/** A fraction as percent with `digits` decimals (`0.8123` -> `81.23`); {@link MISSING} for null/undefined. */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (typeof value !== 'number') return MISSING;
  const text = (value * 100).toFixed(digits);
  // A value that rounds to zero prints as 0, never -0.
  return Number(text) === 0 ? text.replace('-', '') : text;
}

/**
 * A fraction summarised over seeds as `mean ± std` in percent
 * (`81.23 ± 0.45`), or just the mean for a single seed.
 */
export function formatPercentMeanStd(value: MeanStd | undefined, digits = 2): string {
  if (value === undefined) return MISSING;
  const mean = formatPercent(value.mean, digits);
  return value.std === undefined ? mean : `${mean} ± ${formatPercent(value.std, digits)}`;
}

/** A byte count in binary units with 2 decimals (`1536` -> `1.50 KiB`; below 1 KiB whole bytes, a mean rounded); {@link MISSING} for null/undefined. */
export function formatBytes(bytes: number | null | undefined): string {
  if (typeof bytes !== 'number') return MISSING;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(2)} ${units[unit]}`;
}

/** A compression ratio as `8.2×`; {@link MISSING} for null/undefined. */
export function formatRatio(ratio: number | null | undefined): string {
  return typeof ratio === 'number' ? `${ratio.toFixed(1)}×` : MISSING;
}

/**
 * Serialised size over seeds as `1.50 KiB (8.2×)`: mean bytes and mean
 * compression ratio vs one dense float32 model; {@link MISSING} without sizes.
 */
export function formatSizeSummary(totalBytes: MeanStd | undefined, compressionRatio: MeanStd | undefined): string {
  if (totalBytes === undefined) return MISSING;
  return `${formatBytes(Math.round(totalBytes.mean))} (${formatRatio(compressionRatio?.mean)})`;
}
