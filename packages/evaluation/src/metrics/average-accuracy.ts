import { cellValue, meanOrUndefined, trainedCount, type AccuracyTable } from './accuracy-table.js';

/**
 * Mean accuracy on experiences 0..row after training experience `row`: the
 * mean of `R[row][0..row]`, skipping cells not evaluated; `undefined` when
 * none of them was.
 */
export function averageAccuracyAt(table: AccuracyTable, row: number): number | undefined {
  const values: number[] = [];
  for (let j = 0; j <= row; j += 1) {
    const value = cellValue(table, row, j);
    if (value !== undefined) values.push(value);
  }
  return meanOrUndefined(values);
}

/**
 * ACC (Lopez-Paz & Ranzato 2017, "average accuracy"): the mean of the last
 * row over the experiences trained so far,
 * `ACC = 1/T * sum_{j<T} R[T-1][j]`, with T = {@link trainedCount}. Cells not
 * evaluated are skipped; `undefined` for an empty table. Columns j >= T
 * (experiences evaluated before they were trained, kept for FWT) do not count.
 */
export function averageAccuracy(table: AccuracyTable): number | undefined {
  const trained = trainedCount(table);
  return trained === 0 ? undefined : averageAccuracyAt(table, trained - 1);
}

/**
 * ACC after each experience: element i is {@link averageAccuracyAt}(table, i)
 * for i < T, so the last element equals {@link averageAccuracy}.
 */
export function averageAccuracyAfterEach(table: AccuracyTable): Array<number | undefined> {
  const trained = trainedCount(table);
  return Array.from({ length: trained }, (_, i) => averageAccuracyAt(table, i));
}
