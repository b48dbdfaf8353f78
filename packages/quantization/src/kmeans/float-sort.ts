/**
 * An ascending float64 copy of `values`. Inputs whose every value is exactly
 * representable in float32 (always so for a Float32Array) are sorted by a
 * 3-pass LSD radix sort on order-preserving 32-bit keys, O(n), several times
 * faster than the comparison sort used otherwise and working inside the
 * output's own buffer. -0 sorts just before +0.
 */
export function sortedFloat64Copy(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  if (n >= 2048 && isFloat32Exact(values)) return radixSortFloat32(values);
  return Float64Array.from(values).sort();
}

function isFloat32Exact(values: ArrayLike<number>): boolean {
  if (values instanceof Float32Array) return true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Math.fround(v) !== v) return false;
  }
  return true;
}

const RADIX_BITS = 11;
const BUCKETS = 1 << RADIX_BITS;
const MASK = BUCKETS - 1;
const PASSES = 3;

function radixSortFloat32(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  // The output's 8n bytes hold the keys (first half) and the scatter target (second half).
  const firstHalf = new Uint32Array(out.buffer, 0, n);
  const secondHalf = new Uint32Array(out.buffer, 4 * n, n);
  new Float32Array(out.buffer, 0, n).set(values);
  // Order-preserving map: flip all bits of negatives, only the sign bit of non-negatives.
  for (let i = 0; i < n; i++) {
    const b = firstHalf[i] as number;
    firstHalf[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  const counts = new Int32Array(BUCKETS);
  let from = firstHalf;
  let to = secondHalf;
  for (let pass = 0; pass < PASSES; pass++) {
    const shift = pass * RADIX_BITS;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((from[i] as number) >>> shift) & MASK;
      counts[d] = (counts[d] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = from[i] as number;
      const d = (k >>> shift) & MASK;
      const at = counts[d] as number;
      to[at] = k;
      counts[d] = at + 1;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  // After an odd number of passes the sorted keys are in the second half. Writing
  // out[i] (bytes 8i..8i+7) in ascending i only overwrites keys already read.
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let i = 0; i < n; i++) {
    const k = from[i] as number;
    bits[0] = k & 0x80000000 ? k & 0x7fffffff : ~k >>> 0;
    out[i] = asFloat[0] as number;
  }
  return out;
}
