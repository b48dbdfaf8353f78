import { EmptyInputError } from '../errors/quantization-errors.js';
import { checkFiniteValues } from '../validation/argument-checks.js';
import { sortedFloat64Copy } from './float-sort.js';

/**
 * The distinct values of an input, sorted ascending, with their
 * multiplicities and prefix sums: the one O(n log n) step both k-means
 * variants share. Values are shifted by their mean before the sums are formed,
 * which keeps the float64 sums of squares well conditioned; every
 * within-cluster sum of squares is shift-invariant.
 */
export interface SortedValues {
  /** Number of input values. */
  readonly count: number;
  /** Number of distinct values, m. */
  readonly distinct: number;
  /** Distinct values, ascending (unshifted). */
  readonly values: Float64Array;
  /** `weights[t]`: prefix count, number of input values among the first t distinct ones (length m+1). */
  readonly weights: Int32Array;
  /** Prefix sums of count * (value - shift) (length m+1). */
  readonly sums: Float64Array;
  /** Prefix sums of count * (value - shift)^2 (length m+1). */
  readonly squares: Float64Array;
  /** The shift subtracted before summing (the mean of the input). */
  readonly shift: number;
}

/** Sorts, deduplicates and prefix-sums `values`. Throws on empty or non-finite input. O(n log n). */
export function sortValues(values: ArrayLike<number>, field = 'values'): SortedValues {
  const n = values.length;
  if (n === 0) throw new EmptyInputError(field);
  checkFiniteValues(field, values);
  const sorted = sortedFloat64Copy(values);

  // Compact the sorted copy in place into its distinct values; weights[t] is the sorted
  // position where distinct value t starts. Both arrays keep their n-sized buffers
  // (views, no copies): pages beyond m are never touched.
  const weightsBuffer = new Int32Array(n + 1);
  let m = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    total += v;
    if (m === 0 || v !== sorted[m - 1]) {
      sorted[m] = v;
      weightsBuffer[m++] = i;
    }
  }
  weightsBuffer[m] = n;
  const distinctValues = sorted.subarray(0, m);
  const weights = weightsBuffer.subarray(0, m + 1);

  const shift = total / n;
  const sums = new Float64Array(m + 1);
  const squares = new Float64Array(m + 1);
  for (let t = 0; t < m; t++) {
    const c = (weights[t + 1] as number) - (weights[t] as number);
    const d = (distinctValues[t] as number) - shift;
    sums[t + 1] = (sums[t] as number) + c * d;
    squares[t + 1] = (squares[t] as number) + c * d * d;
  }
  return { count: n, distinct: m, values: distinctValues, weights, sums, squares, shift };
}

/** First position t in the ascending `sorted` with `sorted[t] >= x` (sorted.length when none). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position t in the ascending `sorted` with `sorted[t] > x` (sorted.length when none). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
