import { cellValue, meanOrUndefined, trainedCount, type AccuracyTable } from './accuracy-table.js';

/**
 * Forgetting of experience j measured after training experience `row`
 * (Chaudhry et al. 2018): the best accuracy it had at an earlier evaluation
 * minus its accuracy now,
 * `f[row][j] = max_{j <= i < row} R[i][j] - R[row][j]`.
 * The maximum starts at i = j (once j has been trained): cells i < j, when
 * recorded for FWT, measure an experience not learned yet. `undefined` when
 * `R[row][j]` or every earlier cell is missing (in particular for j >= row).
 */
export function forgettingAt(table: AccuracyTable, row: number, j: number): number | undefined {
  const now = cellValue(table, row, j);
  if (now === undefined) return undefined;
  let best: number | undefined;
  for (let i = j; i < row; i += 1) {
    const earlier = cellValue(table, i, j);
    if (earlier !== undefined && (best === undefined || earlier > best)) best = earlier;
  }
  return best === undefined ? undefined : best - now;
}

/**
 * Forgetting of each experience j < T-1 after the last trained experience:
 * element j is {@link forgettingAt}(table, T-1, j). Length T-1 (empty for
 * T < 2).
 */
export function forgettingPerExperience(table: AccuracyTable): Array<number | undefined> {
  const last = trainedCount(table) - 1;
  return Array.from({ length: Math.max(0, last) }, (_, j) => forgettingAt(table, last, j));
}

/**
 * Average forgetting (Chaudhry et al. 2018): the mean of
 * {@link forgettingPerExperience} over the experiences where it is defined;
 * `undefined` when it is defined nowhere (in particular for T < 2).
 */
export function averageForgetting(table: AccuracyTable): number | undefined {
  return meanOrUndefined(forgettingPerExperience(table).filter((value): value is number => value !== undefined));
}
