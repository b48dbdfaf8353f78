import { KmeansMemoryError, QuantizationOptionError } from '../errors/quantization-errors.js';
import { checkClusterCount } from '../validation/argument-checks.js';
import { clusterMeans, resultFromPartition, type KmeansResult } from './kmeans-result.js';
import { MonotoneRowMinima } from './monotone-row-minima.js';
import { sortValues, type SortedValues } from './sorted-values.js';

/** How {@link kmeansOptimal1d} solves the recurrence; every strategy returns an optimal partition. */
export type KmeansOptimalStrategy = 'auto' | 'layered' | 'penalized';

/** Options of {@link kmeansOptimal1d}. */
export interface KmeansOptimalOptions {
  /**
   * - `layered`: the k-layer dynamic programme of Ckmeans.1d.dp, each layer's
   *   row minima by a monotone queue; needs a 4 (k-2) m-byte backtracking table.
   * - `penalized`: Lagrangian relaxation (a cost per cluster, searched until the
   *   best penalised partition has exactly k clusters), O(m) memory, typically
   *   3-6 passes whatever k is; falls back to `layered` when no penalty gives
   *   exactly k clusters (ties between cluster counts).
   * - `auto` (default): `layered` for k <= 5, else `penalized`.
   */
  readonly strategy?: KmeansOptimalStrategy;
  /**
   * Upper bound in bytes on the layered strategy's backtracking table; beyond
   * it a {@link KmeansMemoryError} is thrown instead of allocating. Default
   * 2^30 (1 GiB; ours).
   */
  readonly maxTableBytes?: number;
}

/** Default of {@link KmeansOptimalOptions.maxTableBytes}: 1 GiB. */
export const DEFAULT_MAX_TABLE_BYTES = 2 ** 30;

/** Largest k for which `auto` picks the layered strategy (its k-2 passes beat the penalty search's). */
const LAYERED_MAX_CLUSTERS = 5;

/** Passes of the penalty search before falling back to the layered strategy. */
const MAX_PENALTY_PASSES = 60;

/**
 * Optimal 1-D k-means: the partition of `values` into at most `k` clusters
 * with the least sum of squared distances to the cluster means (exact, up to
 * float64 rounding), by dynamic programming over the sorted values as in
 * Ckmeans.1d.dp (Wang & Song 2011). Clusters of an optimal 1-D clustering are
 * contiguous runs of the sorted values, so only contiguous partitions are
 * searched. Deterministic: no randomness.
 *
 * Cost: sort O(n) for float32 input (radix) else O(n log n); duplicates are
 * merged into m weighted distinct values. `penalized`: O(m log m) per pass
 * worst case, about 10 cost evaluations per value on typical data, a few
 * passes; O(m) memory. `layered`: k-2 such passes and 4 (k-2) m bytes.
 *
 * Edge cases: `k >= m` gives one cluster per distinct value (a codebook of
 * length m, SSE 0 up to float32 rounding of the values); a single value gives
 * a one-entry codebook. Empty input throws {@link EmptyInputError};
 * NaN/infinite values {@link NonFiniteValueError}; `k` outside 1..65536
 * {@link ClusterCountError}.
 */
export function kmeansOptimal1d(values: ArrayLike<number>, k: number, options: KmeansOptimalOptions = {}): KmeansResult {
  checkClusterCount('k', k);
  const strategy = options.strategy ?? 'auto';
  if (strategy !== 'auto' && strategy !== 'layered' && strategy !== 'penalized') {
    throw new QuantizationOptionError('strategy', strategy, "'auto', 'layered' or 'penalized'");
  }
  const maxTableBytes = options.maxTableBytes ?? DEFAULT_MAX_TABLE_BYTES;
  if (typeof maxTableBytes !== 'number' || !(maxTableBytes >= 0)) {
    throw new QuantizationOptionError('maxTableBytes', maxTableBytes, 'a non-negative number of bytes');
  }
  const sorted = sortValues(values);
  const clusters = Math.min(k, sorted.distinct);
  const ends = optimalClusterEnds(sorted, clusters, strategy, maxTableBytes);
  return resultFromPartition(values, sorted.values, ends, clusterMeans(sorted, ends));
}

/** Last distinct position of each cluster of an optimal partition into exactly `clusters` clusters. */
function optimalClusterEnds(
  sorted: SortedValues,
  clusters: number,
  strategy: KmeansOptimalStrategy,
  maxTableBytes: number,
): Int32Array {
  const m = sorted.distinct;
  if (clusters === m) return Int32Array.from({ length: m }, (_, c) => c);
  if (clusters === 1) return Int32Array.of(m - 1);
  const rows = new MonotoneRowMinima(sorted);
  const usePenalty = strategy === 'penalized' || (strategy === 'auto' && clusters > LAYERED_MAX_CLUSTERS);
  if (usePenalty) {
    const ends = penalizedClusterEnds(sorted, clusters, rows);
    if (ends !== undefined) return ends;
  }
  return layeredClusterEnds(sorted, clusters, rows, maxTableBytes);
}

/** Follows the per-row best starts back from the last value. */
function backtrack(arg: Int32Array, m: number, clusters: number): Int32Array {
  const ends = new Int32Array(clusters);
  let end = m - 1;
  for (let c = clusters - 1; c >= 0; c--) {
    ends[c] = end;
    end = (arg[end] as number) - 1;
  }
  return ends;
}

/**
 * Lagrangian relaxation: a partition that is best for SSE + penalty * (number
 * of clusters) and has exactly k clusters is an optimal k-partition. The
 * count falls as the penalty grows; OPT(k) is convex in k for this Monge cost
 * (Aggarwal, Schieber & Tokuyama 1994), so every k with a strict kink has an
 * interval of penalties giving exactly k. The search brackets the penalty and
 * steps with a log-log secant (count ~ penalty^(-1/3) for smooth data),
 * bisecting in log space when that stalls. Returns undefined when no penalty
 * gives exactly k (ties), for the caller to fall back.
 */
export function penalizedClusterEnds(sorted: SortedValues, k: number, rows: MonotoneRowMinima): Int32Array | undefined {
  const m = sorted.distinct;
  const total = (sorted.squares[m] as number) - (sorted.sums[m] as number) ** 2 / (sorted.weights[m] as number);
  // Above `total`, one cluster is strictly best; near 0 every distinct value is its own cluster.
  let low = 0;
  let lowCount = m;
  let high = 2 * total + Number.MIN_VALUE;
  let highCount = 1;
  let penalty = (2 * total) / (k * k * k);
  let lastSide = 0;
  let sameSide = 0;
  for (let pass = 0; pass < MAX_PENALTY_PASSES; pass++) {
    const count = rows.solvePenalized(penalty);
    if (count === k) return backtrack(rows.arg, m, k);
    const side = count > k ? 1 : -1;
    if (side > 0) {
      low = penalty;
      lowCount = count;
    } else {
      high = penalty;
      highCount = count;
    }
    sameSide = side === lastSide ? sameSide + 1 : 0;
    lastSide = side;
    let next: number;
    if (low > 0) {
      const slope = (Math.log(highCount) - Math.log(lowCount)) / (Math.log(high) - Math.log(low));
      next = Math.exp(Math.log(low) + (Math.log(k) - Math.log(lowCount)) / slope);
    } else {
      next = penalty * (count / k) ** 3;
    }
    if (sameSide >= 2 || !(next > low && next < high)) next = low > 0 ? Math.sqrt(low * high) : high / 16;
    if (!(next > low && next < high) || high - low <= 1e-12 * high) return undefined;
    penalty = next;
  }
  return undefined;
}

/** The k-layer recurrence D[q][i] = min_j D[q-1][j-1] + SSE(j..i), with a backtracking table. */
export function layeredClusterEnds(sorted: SortedValues, k: number, rows: MonotoneRowMinima, maxTableBytes: number): Int32Array {
  const m = sorted.distinct;
  // Cluster q (1-based) can end at distinct positions q-1 .. m-k+q-1: `width` of them.
  const width = m - k + 1;
  const tableBytes = 4 * (k - 2) * width;
  if (tableBytes > maxTableBytes) throw new KmeansMemoryError(m, k, tableBytes, maxTableBytes);
  const starts = new Int32Array((k - 2) * width);
  const { weights, sums, squares } = sorted;
  const { best, offset, arg } = rows;

  for (let i = 0; i < width; i++) {
    const s = sums[i + 1] as number;
    best[i] = (squares[i + 1] as number) - (s * s) / (weights[i + 1] as number);
  }
  for (let q = 2; q < k; q++) {
    const first = q - 1;
    const last = first + width - 1;
    // offset[j] = D[q-1][j-1] - squares[j], read from `best` before this layer overwrites it.
    for (let j = last; j >= first; j--) offset[j] = (best[j - 1] as number) - (squares[j] as number);
    rows.solveLayer(first, last);
    starts.set(arg.subarray(first, last + 1), (q - 2) * width);
  }

  // Last layer: only the row ending at m-1 matters; scan it directly.
  let bestStart = k - 1;
  let bestKey = Infinity;
  for (let j = k - 1; j < m; j++) {
    offset[j] = (best[j - 1] as number) - (squares[j] as number);
    const v = rows.key(m - 1, j);
    if (v < bestKey) {
      bestKey = v;
      bestStart = j;
    }
  }
  const ends = new Int32Array(k);
  ends[k - 1] = m - 1;
  let start = bestStart;
  for (let q = k - 1; q >= 1; q--) {
    const end = start - 1;
    ends[q - 1] = end;
    start = q >= 2 ? (starts[(q - 2) * width + end - (q - 1)] as number) : 0;
  }
  return ends;
}
