import { cellValue, meanOrUndefined, trainedCount, type AccuracyTable } from './accuracy-table.js';

/**
 * BWT (Lopez-Paz & Ranzato 2017): how training later experiences changed the
 * accuracy on earlier ones,
 * `BWT = 1/(T-1) * sum_{j<T-1} (R[T-1][j] - R[j][j])`.
 * Negative values are forgetting, positive values backward transfer. Pairs
 * with a cell not evaluated are skipped; `undefined` when no pair is left
 * (in particular for T < 2).
 */
export function backwardTransfer(table: AccuracyTable): number | undefined {
  const last = trainedCount(table) - 1;
  const differences: number[] = [];
  for (let j = 0; j < last; j += 1) {
    const final = cellValue(table, last, j);
    const justAfter = cellValue(table, j, j);
    if (final !== undefined && justAfter !== undefined) differences.push(final - justAfter);
  }
  return meanOrUndefined(differences);
}
