/**
 * Radix selection of the k largest unsigned 32-bit keys: a histogram of the
 * high 16 bits finds the bucket that holds the k-th key, a histogram of the low
 * 16 bits of that bucket's keys finds the key, then one pass writes the 0/1 masks.
 * O(n) time, no sort; ties at the threshold go to earlier segments, then lower
 * positions. A segment whose key 0 means "not taking part" is safe because the
 * k-th largest key, with k at most the number taking part, is then >= 1.
 */
import { NaNValueError } from '../errors/pruning-errors.js';

/** The keys of one array and the positions among them that take part. */
export interface KeySegment {
  /** Raw float32 bits (magnitude ranking) or precomputed unsigned keys (signed ranking). */
  readonly source: Uint32Array;
  /** key = (source[i] & keyMask) >>> 0: 0x7fffffff on raw bits, 0xffffffff on precomputed keys. */
  readonly keyMask: number;
  /** Keys above this are NaN (raw bits); 0xffffffff when the keys were checked already. */
  readonly nanAbove: number;
  /** The positions that take part, ascending; null = every position (see zeroIsIneligible). */
  readonly indices: Uint32Array | null;
  /** With indices null: key 0 marks a position that does not take part (keys of the others are >= 1). */
  readonly zeroIsIneligible: boolean;
  /** How many positions take part. */
  readonly count: number;
  /** Name of the values in NaN errors. */
  readonly field: string;
}

/** How many positions of `segment` take part. */
export function segmentSize(segment: KeySegment): number {
  return segment.count;
}

/**
 * Sets `masks[s][i] = 1` for exactly `k` positions over all segments: the k
 * largest keys. Checks every taking-part key for NaN first, whatever k.
 * The caller guarantees 0 <= k <= total positions and mask lengths.
 */
export function selectLargestKeys(segments: readonly KeySegment[], masks: readonly Uint8Array[], k: number): void {
  const hist1 = new Uint32Array(65536);
  for (const segment of segments) histogramTopDigit(segment, hist1);
  const total = segments.reduce((sum, s) => sum + segmentSize(s), 0);
  if (k === 0) return;
  if (k === total) {
    segments.forEach((segment, s) => markAll(segment, masks[s] as Uint8Array));
    return;
  }
  const first = pickBucket(hist1, k);
  // Keys of the chosen high-half bucket, gathered so the low half scans only them.
  const inBucket = new Uint32Array(hist1[first.bucket] as number);
  let n = 0;
  for (const segment of segments) n = gatherBucket(segment, first.bucket, inBucket, n);
  const hist2 = new Uint32Array(65536);
  for (let j = 0; j < n; j++) {
    const d = (inBucket[j] as number) & 0xffff;
    hist2[d] = (hist2[d] as number) + 1;
  }
  const second = pickBucket(hist2, first.rank);
  const threshold = ((first.bucket << 16) | second.bucket) >>> 0;
  let tiesLeft = second.rank;
  segments.forEach((segment, s) => {
    tiesLeft = markAbove(segment, masks[s] as Uint8Array, threshold, tiesLeft);
  });
}

function histogramTopDigit({ source, keyMask, nanAbove, indices, field }: KeySegment, hist: Uint32Array): void {
  const count = indices === null ? source.length : indices.length;
  for (let j = 0; j < count; j++) {
    const i = indices === null ? j : (indices[j] as number);
    const key = ((source[i] as number) & keyMask) >>> 0;
    if (key > nanAbove) throw new NaNValueError(field, i);
    const d = key >>> 16;
    hist[d] = (hist[d] as number) + 1;
  }
}

function gatherBucket({ source, keyMask, indices }: KeySegment, bucket: number, out: Uint32Array, start: number): number {
  let n = start;
  const count = indices === null ? source.length : indices.length;
  for (let j = 0; j < count; j++) {
    const key = ((source[indices === null ? j : (indices[j] as number)] as number) & keyMask) >>> 0;
    if (key >>> 16 === bucket) out[n++] = key;
  }
  return n;
}

function markAll(segment: KeySegment, mask: Uint8Array): void {
  const { source, indices } = segment;
  if (segment.zeroIsIneligible) markAbove(segment, mask, 0, 0);
  else if (indices === null) mask.fill(1, 0, source.length);
  else for (let j = 0; j < indices.length; j++) mask[indices[j] as number] = 1;
}

/** Marks keys above `threshold`, and keys equal to it while `tiesLeft` lasts; returns what is left. */
function markAbove({ source, keyMask, indices }: KeySegment, mask: Uint8Array, threshold: number, tiesLeft: number): number {
  let left = tiesLeft;
  const count = indices === null ? source.length : indices.length;
  for (let j = 0; j < count; j++) {
    const i = indices === null ? j : (indices[j] as number);
    const key = ((source[i] as number) & keyMask) >>> 0;
    if (key > threshold) mask[i] = 1;
    else if (key === threshold && left > 0) {
      mask[i] = 1;
      left--;
    }
  }
  return left;
}

/** The bucket holding the `rank`-th largest entry (1-based) and that entry's rank inside it. */
function pickBucket(hist: Uint32Array, rank: number): { bucket: number; rank: number } {
  let remaining = rank;
  for (let b = hist.length - 1; b >= 0; b--) {
    const count = hist[b] as number;
    if (count >= remaining) return { bucket: b, rank: remaining };
    remaining -= count;
  }
  throw new RangeError(`selectLargestKeys: rank ${rank} exceeds the number of keys`);
}

