import { Rng } from '@retain/core';
import { QuantizationOptionError } from '../errors/quantization-errors.js';
import { checkClusterCount } from '../validation/argument-checks.js';
import { clusterMeans, resultFromPartition, type KmeansResult } from './kmeans-result.js';
import { sortValues, upperBound, type SortedValues } from './sorted-values.js';

/** Options of {@link kmeansLloyd1d}. */
export interface KmeansLloydOptions {
  /** Seed of the k-means++ seeding when no `rng` is given. Default 0. */
  readonly seed?: number;
  /** Generator for the seeding (takes precedence over `seed`), e.g. `Rng.fromSeed(s).stream('quantization')`. */
  readonly rng?: Rng;
  /** Most Lloyd update steps; it stops earlier once the partition no longer changes. Default 100 (ours). */
  readonly maxIterations?: number;
}

/** A Lloyd clustering, with how it ended. */
export interface KmeansLloydResult extends KmeansResult {
  /** Update steps run. */
  readonly iterations: number;
  /** True when the partition stopped changing before `maxIterations`. */
  readonly converged: boolean;
}

/** Default of {@link KmeansLloydOptions.maxIterations}. */
export const DEFAULT_LLOYD_ITERATIONS = 100;

/**
 * Fast 1-D k-means for very large inputs: k-means++ seeding (Arthur &
 * Vassilvitskii 2007) from a seeded {@link Rng}, then Lloyd iterations.
 * Values are sorted once with prefix sums, so in 1-D each iteration is
 * O(k log m): cluster boundaries are the midpoints between adjacent centres,
 * found by binary search, and cluster means come from prefix-sum differences.
 *
 * Cost: sort O(n log n) + seeding O(k m) + O(k log m) per iteration + coding
 * O(n log k). A local optimum: its SSE is never below {@link kmeansOptimal1d}'s.
 * A cluster that empties keeps its centre during the iterations and is dropped
 * from the returned codebook, so the codebook may have fewer than k entries
 * (always when the input has fewer than k distinct values). Same input and
 * seed give the same result.
 */
export function kmeansLloyd1d(values: ArrayLike<number>, k: number, options: KmeansLloydOptions = {}): KmeansLloydResult {
  checkClusterCount('k', k);
  const maxIterations = options.maxIterations ?? DEFAULT_LLOYD_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new QuantizationOptionError('maxIterations', maxIterations, 'a non-negative integer');
  }
  const rng = options.rng ?? Rng.fromSeed(options.seed ?? 0);
  const sorted = sortValues(values);
  const clusters = Math.min(k, sorted.distinct);
  const centres = seedCentres(sorted, clusters, rng);

  const m = sorted.distinct;
  let bounds = new Int32Array(clusters); // bounds[c]: one past the last distinct position of cluster c
  let next = new Int32Array(clusters);
  const midpoints = (target: Int32Array): void => {
    for (let c = 0; c + 1 < clusters; c++) {
      target[c] = upperBound(sorted.values, ((centres[c] as number) + (centres[c + 1] as number)) / 2);
    }
    target[clusters - 1] = m;
  };
  midpoints(bounds);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    updateCentres(sorted, bounds, centres);
    iterations++;
    midpoints(next);
    if (sameBounds(bounds, next)) {
      converged = true;
      break;
    }
    const swap = bounds;
    bounds = next;
    next = swap;
  }

  const ends: number[] = [];
  let start = 0;
  for (let c = 0; c < clusters; c++) {
    const end = bounds[c] as number;
    if (end > start) ends.push(end - 1);
    start = end;
  }
  const endArray = Int32Array.from(ends);
  const result = resultFromPartition(values, sorted.values, endArray, clusterMeans(sorted, endArray));
  return { ...result, iterations, converged };
}

const SEED_BLOCK = 1024;

/**
 * k-means++ over the distinct values, each weighted by its multiplicity;
 * centres returned ascending. In 1-D a new centre only lowers the squared
 * distances of a contiguous run around it (up to the midpoints with its
 * neighbouring centres), so only that run and its blocks' sums are updated,
 * and a draw walks block sums before scanning one block.
 */
function seedCentres(sorted: SortedValues, clusters: number, rng: Rng): Float64Array {
  const { values, weights } = sorted;
  const m = sorted.distinct;
  const centres = new Float64Array(clusters);
  const d2 = new Float64Array(m);
  const blocks = Math.ceil(m / SEED_BLOCK);
  const blockSums = new Float64Array(blocks);
  const weightAt = (t: number): number => (weights[t + 1] as number) - (weights[t] as number);

  // First centre: a uniformly drawn input value.
  let pick = upperBound(weights, rng.nextInt(sorted.count)) - 1;
  centres[0] = values[pick] as number;
  for (let t = 0; t < m; t++) {
    const d = (values[t] as number) - (centres[0] as number);
    d2[t] = weightAt(t) * d * d;
  }
  refreshBlocks(d2, blockSums, 0, blocks - 1);

  for (let c = 1; c < clusters; c++) {
    let total = 0;
    for (let b = 0; b < blocks; b++) total += blockSums[b] as number;
    // clusters <= m distinct values, so some value is not yet a centre and total > 0.
    pick = drawProportional(d2, blockSums, rng.nextFloat() * total);
    const centre = values[pick] as number;
    centres[c] = centre;
    let from = pick;
    let to = pick;
    d2[pick] = 0;
    for (let t = pick - 1; t >= 0; t--) {
      const d = (values[t] as number) - centre;
      const w = weightAt(t) * d * d;
      if (!(w < (d2[t] as number))) break;
      d2[t] = w;
      from = t;
    }
    for (let t = pick + 1; t < m; t++) {
      const d = (values[t] as number) - centre;
      const w = weightAt(t) * d * d;
      if (!(w < (d2[t] as number))) break;
      d2[t] = w;
      to = t;
    }
    refreshBlocks(d2, blockSums, Math.floor(from / SEED_BLOCK), Math.floor(to / SEED_BLOCK));
  }
  return centres.sort();
}

function refreshBlocks(d2: Float64Array, blockSums: Float64Array, firstBlock: number, lastBlock: number): void {
  for (let b = firstBlock; b <= lastBlock; b++) {
    const end = Math.min(d2.length, (b + 1) * SEED_BLOCK);
    let sum = 0;
    for (let t = b * SEED_BLOCK; t < end; t++) sum += d2[t] as number;
    blockSums[b] = sum;
  }
}

/** The position where the running sum of `d2` first exceeds `u` (skipping zero entries). */
function drawProportional(d2: Float64Array, blockSums: Float64Array, u: number): number {
  let acc = 0;
  let b = 0;
  let lastPositiveBlock = -1;
  for (; b < blockSums.length; b++) {
    const s = blockSums[b] as number;
    if (s > 0) lastPositiveBlock = b;
    if (acc + s > u) break;
    acc += s;
  }
  if (b === blockSums.length) b = lastPositiveBlock; // u at the very top after rounding
  const end = Math.min(d2.length, (b + 1) * SEED_BLOCK);
  let lastPositive = -1;
  for (let t = b * SEED_BLOCK; t < end; t++) {
    const w = d2[t] as number;
    if (w === 0) continue;
    lastPositive = t;
    acc += w;
    if (acc > u) return t;
  }
  return lastPositive;
}

/** Moves each non-empty cluster's centre to its mean; an empty cluster keeps its centre. */
function updateCentres(sorted: SortedValues, bounds: Int32Array, centres: Float64Array): void {
  const { weights, sums, shift } = sorted;
  let start = 0;
  for (let c = 0; c < bounds.length; c++) {
    const end = bounds[c] as number;
    const count = (weights[end] as number) - (weights[start] as number);
    if (count > 0) centres[c] = shift + ((sums[end] as number) - (sums[start] as number)) / count;
    start = end;
  }
}

function sameBounds(a: Int32Array, b: Int32Array): boolean {
  for (let c = 0; c < a.length; c++) if (a[c] !== b[c]) return false;
  return true;
}
