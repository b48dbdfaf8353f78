/**
 * An accuracy matrix as plain data: `table[i][j]` is the accuracy (a fraction
 * in [0, 1]) on experience j's test set after training experience i. Rows are
 * trained experiences, columns evaluated experiences. A cell that was not (or
 * not yet) evaluated is `undefined`, `null` or `NaN`, or simply missing
 * (short rows are allowed), so the metrics can be computed on a partially
 * filled matrix during a run.
 */
export type AccuracyTable = ReadonlyArray<ReadonlyArray<number | null | undefined>>;

/** The value of `table[i][j]` when it was evaluated (a finite number), else `undefined`. */
export function cellValue(table: AccuracyTable, i: number, j: number): number | undefined {
  const value = table[i]?.[j];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * How many experiences have been trained so far: one plus the index of the
 * last row holding at least one evaluated cell, 0 for an empty table. The
 * metrics treat row `trainedCount - 1` as "the last row".
 */
export function trainedCount(table: AccuracyTable): number {
  for (let i = table.length - 1; i >= 0; i -= 1) {
    const row = table[i] ?? [];
    for (let j = 0; j < row.length; j += 1) {
      if (cellValue(table, i, j) !== undefined) return i + 1;
    }
  }
  return 0;
}

/** The arithmetic mean of `values`, or `undefined` when there are none. */
export function meanOrUndefined(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
