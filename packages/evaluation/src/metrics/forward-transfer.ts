import { cellValue, meanOrUndefined, trainedCount, type AccuracyTable } from './accuracy-table.js';

/** A reference accuracy per experience (index j); entries may be missing. */
export type ReferenceAccuracies = ReadonlyArray<number | null | undefined>;

function referenceValue(reference: ReferenceAccuracies, j: number): number | undefined {
  const value = reference[j];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * FWT (Lopez-Paz & Ranzato 2017): how much training the experiences before j
 * helps on experience j before it is trained,
 * `FWT = 1/(T-1) * sum_{0<j<T} (R[j-1][j] - b[j])`,
 * where `b[j]` is the accuracy on experience j of the *randomly initialised*
 * model (same architecture and seed, before any training), the paper's
 * reference. Needs the cells above the diagonal `R[j-1][j]`, i.e. the runner
 * must evaluate experience j before training it. Terms with a missing cell or
 * reference are skipped; `undefined` when none is left.
 */
export function forwardTransfer(table: AccuracyTable, randomInitAccuracy: ReferenceAccuracies): number | undefined {
  const trained = trainedCount(table);
  const differences: number[] = [];
  for (let j = 1; j < trained; j += 1) {
    const before = cellValue(table, j - 1, j);
    const reference = referenceValue(randomInitAccuracy, j);
    if (before !== undefined && reference !== undefined) differences.push(before - reference);
  }
  return meanOrUndefined(differences);
}

/**
 * Forward transfer against single-task models (the other common reference,
 * e.g. Ke, Liu & Huang 2020): how much better experience j is learned in
 * sequence than alone,
 * `FWT_single = 1/T * sum_{j<T} (R[j][j] - s[j])`,
 * where `s[j]` is the accuracy of a model trained on experience j alone.
 * Terms with a missing cell or reference are skipped; `undefined` when none
 * is left.
 */
export function singleTaskForwardTransfer(table: AccuracyTable, singleTaskAccuracy: ReferenceAccuracies): number | undefined {
  const trained = trainedCount(table);
  const differences: number[] = [];
  for (let j = 0; j < trained; j += 1) {
    const learned = cellValue(table, j, j);
    const reference = referenceValue(singleTaskAccuracy, j);
    if (learned !== undefined && reference !== undefined) differences.push(learned - reference);
  }
  return meanOrUndefined(differences);
}
