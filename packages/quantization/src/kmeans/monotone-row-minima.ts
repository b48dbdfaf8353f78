import type { SortedValues } from './sorted-values.js';

/**
 * Row minima for the optimal 1-D k-means recurrences, by the classic queue of
 * candidate columns for totally monotone matrices (as in Galil & Park's
 * algorithms for concave least-weight subsequence problems).
 *
 * Row `i` is the last distinct value of a cluster and column `j <= i` its
 * first; the entry is `offset[j] + SSE(j..i)`, the weighted within-cluster sum
 * of squares of distinct values j..i. SSE over contiguous runs of sorted values
 * satisfies the quadrangle inequality (Wang & Song 2011; Grønlund et al. 2017),
 * so whenever a later column beats an earlier one in some row it does so in
 * every later row. The queue holds the columns that can still win, each with
 * the first row where it does; a new column's takeover row is found by
 * galloping then binary search (O(log n) worst case, one or two steps on
 * typical data, where the best start moves about one position per row).
 * Ties keep the leftmost column.
 *
 * Comparisons within one row leave out the row constant `squares[i+1]`:
 * `key(i, j) = offset[j] - s^2 / w` with `s`, `w` the shifted sum and count of
 * values j..i; `best[i]` adds it back.
 */
export class MonotoneRowMinima {
  /** Column offsets; {@link solveLayer} reads them, {@link solvePenalized} writes them. */
  readonly offset: Float64Array;
  /** Per row: the minimum entry (including the row constant). */
  readonly best: Float64Array;
  /** Per row: the leftmost column attaining it. */
  readonly arg: Int32Array;
  /** Per row, penalised mode only: number of clusters of the best prefix partition. */
  readonly clusters: Int32Array;
  private readonly sums: Float64Array;
  private readonly squares: Float64Array;
  private readonly weights: Int32Array;
  private readonly queueColumn: Int32Array;
  private readonly queueStart: Int32Array;
  private readonly queueKey: Float64Array;
  private readonly size: number;

  constructor(sorted: SortedValues) {
    const m = sorted.distinct;
    this.size = m;
    this.offset = new Float64Array(m);
    this.best = new Float64Array(m);
    this.arg = new Int32Array(m);
    this.clusters = new Int32Array(m);
    this.sums = sorted.sums;
    this.squares = sorted.squares;
    this.weights = sorted.weights;
    this.queueColumn = new Int32Array(m);
    this.queueStart = new Int32Array(m);
    this.queueKey = new Float64Array(m);
  }

  /** Entry (i, j) less the row constant; requires j <= i. */
  key(i: number, j: number): number {
    const s = (this.sums[i + 1] as number) - (this.sums[j] as number);
    return (this.offset[j] as number) - (s * s) / ((this.weights[i + 1] as number) - (this.weights[j] as number));
  }

  /** One layer of the k-cluster recurrence: rows and columns first..last, offsets preset by the caller. */
  solveLayer(first: number, last: number): void {
    this.run(first, last, false, 0);
  }

  /**
   * The penalised recurrence `E[i] = min_j E[j-1] + penalty + SSE(j..i)`
   * (E[-1] = 0) over all distinct values: the best partition when each cluster
   * costs `penalty`. Returns its number of clusters.
   */
  solvePenalized(penalty: number): number {
    this.run(0, this.size - 1, true, penalty);
    return this.clusters[this.size - 1] as number;
  }

  private run(first: number, last: number, penalized: boolean, penalty: number): void {
    const { offset, best, arg, clusters, squares, queueColumn, queueStart, queueKey } = this;
    let head = 0;
    let tail = 0;
    for (let i = first; i <= last; i++) {
      if (penalized) offset[i] = (i === 0 ? 0 : (best[i - 1] as number)) + penalty - (squares[i] as number);
      tail = this.insertColumn(i, last, head, tail);
      while (tail - head > 1 && (queueStart[head + 1] as number) <= i) head++;
      const f = queueColumn[head] as number;
      const k = (queueStart[head] as number) === i ? (queueKey[head] as number) : this.key(i, f);
      best[i] = k + (squares[i + 1] as number);
      arg[i] = f;
      if (penalized) clusters[i] = (f === 0 ? 0 : (clusters[f - 1] as number)) + 1;
    }
  }

  /** Adds column c (usable from row c on) to the queue head..tail-1 while at row c; returns the new tail. */
  private insertColumn(c: number, last: number, head: number, tail: number): number {
    const { queueColumn, queueStart, queueKey } = this;
    for (;;) {
      if (tail === head) {
        queueColumn[tail] = c;
        queueStart[tail] = c;
        queueKey[tail] = this.key(c, c);
        return tail + 1;
      }
      const b = queueColumn[tail - 1] as number;
      const start = queueStart[tail - 1] as number;
      // Compare c with the queue's last column b where b starts winning (or now, if that is past).
      const low = start > c ? start : c;
      const bKey = start > c ? (queueKey[tail - 1] as number) : this.key(low, b);
      if (this.key(low, c) < bKey) {
        tail--;
        continue;
      }
      // c loses at `low`; find the first later row where it wins, if any: gallop, then bisect.
      let lose = low;
      let win = -1;
      let winKey = 0;
      for (let step = 1; ; step *= 2) {
        const r = lose + step > last ? last : lose + step;
        if (r <= lose) break;
        const kc = this.key(r, c);
        if (kc < this.key(r, b)) {
          win = r;
          winKey = kc;
          break;
        }
        lose = r;
      }
      if (win >= 0) {
        while (win - lose > 1) {
          const mid = (lose + win) >>> 1;
          const kc = this.key(mid, c);
          if (kc < this.key(mid, b)) {
            win = mid;
            winKey = kc;
          } else lose = mid;
        }
        queueColumn[tail] = c;
        queueStart[tail] = win;
        queueKey[tail] = winKey;
        tail++;
      }
      return tail;
    }
  }
}
