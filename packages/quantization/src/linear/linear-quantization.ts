import { LengthMismatchError, QuantizationOptionError } from '../errors/quantization-errors.js';
import { allocateCodes, checkBits, checkBoolean, checkFiniteValues } from '../validation/argument-checks.js';

/**
 * Parameters of a uniform (linear) quantiser, per tensor (`channels` = 1) or
 * per output channel. Entry `p` of the flat, row-major weight belongs to
 * channel `p % channels` (the last axis of a `[..., out]` weight).
 *
 * Codes are unsigned in both modes and dequantise as
 * `(code - zeroPoint) * scale`:
 * - asymmetric (affine): codes `0..2^bits-1`; the range is widened to include
 *   0, so 0 is exactly representable; `zeroPoint` is an integer in that range.
 * - symmetric: codes `0..2^bits-2` (the top code is unused, so the grid is
 *   symmetric around 0); `zeroPoint = 2^(bits-1) - 1`; needs `bits >= 2`.
 */
export interface LinearQuantizationParams {
  /** Bit width, 1..16 (2..16 when symmetric). */
  readonly bits: number;
  /** Symmetric grid around 0 (true) or affine range [min(0, lo), max(0, hi)] (false). */
  readonly symmetric: boolean;
  /** Number of channels: 1 for per-tensor quantisation. */
  readonly channels: number;
  /** Step between adjacent levels, one per channel (1 for a channel with no range). */
  readonly scales: Float64Array;
  /** Code of the value 0, one per channel. */
  readonly zeroPoints: Int32Array;
}

/** Options of {@link computeLinearParams}. */
export interface LinearParamsOptions {
  /** Bit width, 1..16 (2..16 when symmetric). */
  readonly bits: number;
  /** Symmetric quantisation. Default false (affine). */
  readonly symmetric?: boolean;
  /** Channels along the last axis; 1 (the default) quantises per tensor. Must divide `values.length`. */
  readonly channels?: number;
  /** Only these entries (ascending positions) determine the ranges; default: all entries. */
  readonly indices?: Uint32Array;
}

/** The largest code a quantiser with these parameters emits. */
export function maxLinearCode(params: Pick<LinearQuantizationParams, 'bits' | 'symmetric'>): number {
  return params.symmetric ? 2 ** params.bits - 2 : 2 ** params.bits - 1;
}

function checkChannels(channels: unknown, length: number): number {
  if (channels === undefined) return 1;
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || length % channels !== 0) {
    throw new QuantizationOptionError('channels', channels, `a positive integer dividing the value count ${length}`);
  }
  return channels;
}

/**
 * Computes scales and zero points from the range of `values` (or of the
 * entries at `options.indices`), per tensor or per channel. O(n).
 *
 * Guarantee: every value `w` inside the range used quantises to a code whose
 * dequantised value is within `scale / 2` of `w` (up to float rounding).
 */
export function computeLinearParams(values: ArrayLike<number>, options: LinearParamsOptions): LinearQuantizationParams {
  const symmetric = checkBoolean('symmetric', options.symmetric, false);
  const bits = symmetric
    ? checkBits('bits', options.bits, 2, 16, 'symmetric quantisation needs a level on each side of 0')
    : checkBits('bits', options.bits);
  const channels = checkChannels(options.channels, values.length);
  const indices = options.indices;
  checkFiniteValues('values', values, indices);

  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  const visit = (p: number): void => {
    const v = values[p] as number;
    const c = p % channels;
    if (v < (lo[c] as number)) lo[c] = v;
    if (v > (hi[c] as number)) hi[c] = v;
  };
  // lo/hi start at 0, so every range includes 0 (needed by both modes).
  if (indices === undefined) for (let p = 0; p < values.length; p++) visit(p);
  else for (let t = 0; t < indices.length; t++) visit(indices[t] as number);

  const scales = new Float64Array(channels);
  const zeroPoints = new Int32Array(channels);
  const maxCode = maxLinearCode({ bits, symmetric });
  for (let c = 0; c < channels; c++) {
    const low = lo[c] as number;
    const high = hi[c] as number;
    if (symmetric) {
      const half = 2 ** (bits - 1) - 1;
      const magnitude = Math.max(-low, high);
      scales[c] = magnitude > 0 ? magnitude / half : 1;
      zeroPoints[c] = half;
    } else {
      const scale = high > low ? (high - low) / maxCode : 1;
      scales[c] = scale;
      zeroPoints[c] = Math.min(maxCode, Math.max(0, Math.round(-low / scale)));
    }
  }
  return { bits, symmetric, channels, scales, zeroPoints };
}

function channelOf(t: number, indices: Uint32Array | undefined, channels: number): number {
  return (indices === undefined ? t : (indices[t] as number)) % channels;
}

/**
 * Integer codes of `values` (or of the entries at `indices`, in their order)
 * under `params`: `clamp(round(w / scale) + zeroPoint, 0, maxCode)`. Codes are
 * a Uint8Array for up to 8 bits, else a Uint16Array. O(n).
 *
 * With fixed parameters quantisation is idempotent: re-quantising dequantised
 * values gives back the same codes.
 */
export function quantizeLinear(
  values: ArrayLike<number>,
  params: LinearQuantizationParams,
  indices?: Uint32Array,
): Uint8Array | Uint16Array {
  checkFiniteValues('values', values, indices);
  const maxCode = maxLinearCode(params);
  const n = indices === undefined ? values.length : indices.length;
  const codes = allocateCodes(maxCode + 1, n);
  const { scales, zeroPoints, channels } = params;
  for (let t = 0; t < n; t++) {
    const p = indices === undefined ? t : (indices[t] as number);
    const c = p % channels;
    const q = Math.round((values[p] as number) / (scales[c] as number)) + (zeroPoints[c] as number);
    codes[t] = q < 0 ? 0 : q > maxCode ? maxCode : q;
  }
  return codes;
}

/**
 * Dequantised values of `codes`, `(code - zeroPoint) * scale`, as float32.
 * `indices` (the positions the codes were taken from) selects each code's
 * channel; without it code `t` sits at position `t`. O(n).
 */
export function dequantizeLinear(
  codes: ArrayLike<number>,
  params: LinearQuantizationParams,
  indices?: Uint32Array,
): Float32Array {
  if (indices !== undefined && indices.length !== codes.length) {
    throw new LengthMismatchError('indices', codes.length, indices.length);
  }
  if (params.scales.length !== params.channels) {
    throw new LengthMismatchError('params.scales', params.channels, params.scales.length);
  }
  if (params.zeroPoints.length !== params.channels) {
    throw new LengthMismatchError('params.zeroPoints', params.channels, params.zeroPoints.length);
  }
  const maxCode = maxLinearCode(params);
  const out = new Float32Array(codes.length);
  for (let t = 0; t < codes.length; t++) {
    const code = codes[t] as number;
    if (!(code >= 0 && code <= maxCode && Number.isInteger(code))) {
      throw new QuantizationOptionError(`codes[${t}]`, code, `an integer code in 0..${maxCode}`);
    }
    const c = channelOf(t, indices, params.channels);
    out[t] = (code - (params.zeroPoints[c] as number)) * (params.scales[c] as number);
  }
  return out;
}
