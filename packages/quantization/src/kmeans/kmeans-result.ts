import { allocateCodes } from '../validation/argument-checks.js';
import type { SortedValues } from './sorted-values.js';

/** A 1-D clustering of values into a codebook, as both k-means variants return it. */
export interface KmeansResult {
  /**
   * Cluster centres (means) in ascending order, rounded to float32 (so two
   * centres of non-float32 inputs closer than float32 resolution may
   * coincide); every entry is used by some value.
   */
  readonly codebook: Float32Array;
  /**
   * For each input value, in input order, the index of its codebook entry.
   * Uint8Array when the codebook has at most 256 entries, else Uint16Array.
   */
  readonly codes: Uint8Array | Uint16Array;
  /** Sum of squared errors sum_i (values[i] - codebook[codes[i]])^2, in float64, against the float32 codebook. */
  readonly sse: number;
}

const LOOKUP_BUCKETS = 4096;

/**
 * Builds a {@link KmeansResult} from a partition of the sorted distinct values
 * into contiguous clusters: `ends[c]` is the last distinct position of cluster
 * c (ascending, the last one = distinct - 1) and `means[c]` its centre. Each
 * input value gets the first cluster whose largest value is >= it, found
 * through a table of uniform buckets over the value range (O(1) per value on
 * typical data, binary search as the fallback).
 */
export function resultFromPartition(
  input: ArrayLike<number>,
  distinctValues: Float64Array,
  ends: Int32Array,
  means: Float64Array,
): KmeansResult {
  const k = ends.length;
  const upper = new Float64Array(k);
  for (let c = 0; c < k; c++) upper[c] = distinctValues[ends[c] as number] as number;
  const codebook = Float32Array.from(means);
  const codes = allocateCodes(k, input.length);
  const min = distinctValues[0] as number;
  const range = (upper[k - 1] as number) - min;
  const scale = range > 0 && Number.isFinite(LOOKUP_BUCKETS / range) ? LOOKUP_BUCKETS / range : 0;
  // bucketStart[b]: the cluster of the bucket's left edge.
  const bucketStart = new Int32Array(LOOKUP_BUCKETS + 1);
  if (scale > 0) for (let b = 0; b <= LOOKUP_BUCKETS; b++) bucketStart[b] = lowerBound(upper, min + b / scale);
  let sse = 0;
  for (let i = 0; i < input.length; i++) {
    const v = input[i] as number;
    let c = 0;
    if (k > 1 && scale === 0) c = lowerBound(upper, v);
    else if (k > 1) {
      let b = Math.floor((v - min) * scale);
      b = b < 0 ? 0 : b >= LOOKUP_BUCKETS ? LOOKUP_BUCKETS - 1 : b;
      c = bucketStart[b] as number;
      // Rounding may put an edge above v; then search the whole table.
      if (c > 0 && (upper[c - 1] as number) >= v) c = lowerBound(upper, v);
      while ((upper[c] as number) < v) c++;
    }
    codes[i] = c;
    const e = v - (codebook[c] as number);
    sse += e * e;
  }
  return { codebook, codes, sse };
}

function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Mean of each cluster of distinct values, summed directly (not from the shifted prefix sums). */
export function clusterMeans(sorted: SortedValues, ends: Int32Array): Float64Array {
  const means = new Float64Array(ends.length);
  const { values, weights } = sorted;
  let start = 0;
  for (let c = 0; c < ends.length; c++) {
    const end = ends[c] as number;
    let sum = 0;
    for (let t = start; t <= end; t++) {
      sum += (values[t] as number) * ((weights[t + 1] as number) - (weights[t] as number));
    }
    means[c] = sum / ((weights[end + 1] as number) - (weights[start] as number));
    start = end + 1;
  }
  return means;
}
