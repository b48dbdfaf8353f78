import {
  BitWidthError,
  ClusterCountError,
  LengthMismatchError,
  NonFiniteValueError,
  QuantizationOptionError,
} from '../errors/quantization-errors.js';

/** Largest finite float32 magnitude. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Largest bit width any function of this package accepts. */
export const MAX_BITS = 16;

/** Largest codebook (2^16 entries). */
export const MAX_CLUSTERS = 65536;

/** Throws {@link BitWidthError} unless `bits` is an integer in `min..max`. */
export function checkBits(field: string, bits: unknown, min = 1, max = MAX_BITS, reason = ''): number {
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < min || bits > max) {
    throw new BitWidthError(field, bits, min, max, reason);
  }
  return bits;
}

/** Throws {@link ClusterCountError} unless `k` is an integer in 1..65536. */
export function checkClusterCount(field: string, k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_CLUSTERS) {
    throw new ClusterCountError(field, k);
  }
  return k;
}

/**
 * Throws {@link NonFiniteValueError} at the first entry of `values` (or of the
 * entries at `indices`, when given) that is NaN, infinite or beyond float32.
 */
export function checkFiniteValues(field: string, values: ArrayLike<number>, indices?: Uint32Array): void {
  if (indices === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!(Math.abs(v) <= FLOAT32_MAX)) throw new NonFiniteValueError(field, i, v);
    }
    return;
  }
  for (let t = 0; t < indices.length; t++) {
    const i = indices[t] as number;
    const v = values[i] as number;
    if (!(Math.abs(v) <= FLOAT32_MAX)) throw new NonFiniteValueError(field, i, v);
  }
}

/**
 * Positions of the selected entries of `mask` (any truthy entry), ascending.
 * Throws {@link LengthMismatchError} unless `mask` has `length` entries.
 */
export function maskToIndices(mask: ArrayLike<number | boolean>, length: number, field = 'mask'): Uint32Array {
  if (mask.length !== length) throw new LengthMismatchError(field, length, mask.length);
  let count = 0;
  for (let i = 0; i < length; i++) if (mask[i]) count++;
  const indices = new Uint32Array(count);
  let t = 0;
  for (let i = 0; i < length; i++) if (mask[i]) indices[t++] = i;
  return indices;
}

/**
 * Validates a tensor shape (positive integer dimensions) against the number of
 * values; returns a copy. A missing shape means `[length]`.
 */
export function checkShape(shape: readonly number[] | undefined, length: number): number[] {
  if (shape === undefined) return [length];
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new QuantizationOptionError('shape', shape, 'a non-empty array of positive integers');
  }
  let product = 1;
  shape.forEach((d, axis) => {
    if (!Number.isInteger(d) || d < 1) throw new QuantizationOptionError(`shape[${axis}]`, d, 'a positive integer');
    product *= d;
  });
  if (product !== length) throw new LengthMismatchError('shape', length, product);
  return [...shape];
}

/** Throws {@link QuantizationOptionError} unless `value` is a boolean (or undefined, giving `fallback`). */
export function checkBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new QuantizationOptionError(field, value, 'a boolean');
  return value;
}

/** A code array able to hold `levels` distinct codes: Uint8Array up to 256 levels, else Uint16Array. */
export function allocateCodes(levels: number, length: number): Uint8Array | Uint16Array {
  return levels <= 256 ? new Uint8Array(length) : new Uint16Array(length);
}
