import { LengthMismatchError, QuantizationOptionError } from '../errors/quantization-errors.js';
import { kmeansLloyd1d } from '../kmeans/kmeans-lloyd.js';
import { kmeansOptimal1d } from '../kmeans/kmeans-optimal.js';
import type { KmeansResult } from '../kmeans/kmeans-result.js';
import {
  computeLinearParams,
  dequantizeLinear,
  maxLinearCode,
  quantizeLinear,
  type LinearQuantizationParams,
} from '../linear/linear-quantization.js';
import { checkBits, checkBoolean, checkFiniteValues, checkShape, maskToIndices } from '../validation/argument-checks.js';

/** The two quantisers Ada-QPacknet names: uniform levels, or a k-means codebook. */
export type QuantizationMethod = 'linear' | 'kmeans';

/** Options of {@link quantizeWeights}. */
export interface QuantizeWeightsOptions {
  /** `linear` (uniform levels) or `kmeans` (a codebook of 2^bits centres, the Ada-QPacknet code's choice). */
  readonly method: QuantizationMethod;
  /** Bit width 1..16 (linear symmetric: 2..16); k-means uses k = 2^bits clusters. */
  readonly bits: number;
  /** Shape of the weight, row-major, output channels last (dense [in, out], conv [kh, kw, in, out]). Default [values.length]. */
  readonly shape?: readonly number[];
  /**
   * Entries to quantise (truthy = quantise), e.g. the weights one task owns;
   * ranges and codebooks are computed from these only. Default: all entries.
   */
  readonly mask?: ArrayLike<number | boolean>;
  /** Linear only: a scale and zero point per output channel (last axis). Default false. */
  readonly perChannel?: boolean;
  /** Linear only: a grid symmetric around 0. Default false (affine). */
  readonly symmetric?: boolean;
  /** K-means only: `optimal` (exact, deterministic; default) or `lloyd` (k-means++ + Lloyd, for very large inputs). */
  readonly kmeans?: 'optimal' | 'lloyd';
  /** K-means `lloyd` only: seed of the k-means++ seeding. Default 0. */
  readonly seed?: number;
  /** K-means `lloyd` only: most Lloyd iterations. Default 100. */
  readonly maxIterations?: number;
}

interface QuantizedTensorBase {
  /** Bit width the codes were made for. */
  readonly bits: number;
  /** Shape of the whole weight. */
  readonly shape: readonly number[];
  /** Number of entries of the whole weight (product of `shape`). */
  readonly length: number;
  /** Ascending positions of the quantised entries; null when every entry is quantised. */
  readonly indices: Uint32Array | null;
  /** One code per quantised entry, in position order; Uint8Array up to 8 bits, else Uint16Array. */
  readonly codes: Uint8Array | Uint16Array;
  /** Sum of squared errors of the dequantised entries against the originals (float64). */
  readonly sse: number;
}

/** Linearly quantised weights: entry = (code - zeroPoints[c]) * scales[c], c = position % channels. */
export interface LinearQuantizedTensor extends QuantizedTensorBase {
  readonly method: 'linear';
  readonly symmetric: boolean;
  /** 1 per tensor, else the size of the last axis. */
  readonly channels: number;
  readonly scales: Float64Array;
  readonly zeroPoints: Int32Array;
}

/** K-means quantised weights: entry = codebook[code]. */
export interface KmeansQuantizedTensor extends QuantizedTensorBase {
  readonly method: 'kmeans';
  /** Ascending centres; at most 2^bits, fewer when fewer distinct values were quantised (empty when none). */
  readonly codebook: Float32Array;
}

/** What {@link quantizeWeights} returns and {@link dequantize} reads. */
export type QuantizedTensor = LinearQuantizedTensor | KmeansQuantizedTensor;

/**
 * Quantises one weight (for Ada-QPacknet: one layer's weights of one task).
 * With a mask, only the selected entries are quantised and stored; the others
 * are left to their owners. A mask that selects nothing gives an empty result
 * (no codes; an empty codebook, or unit scales).
 */
export function quantizeWeights(values: ArrayLike<number>, options: QuantizeWeightsOptions): QuantizedTensor {
  const method = options.method;
  if (method !== 'linear' && method !== 'kmeans') {
    throw new QuantizationOptionError('method', method, "'linear' or 'kmeans'");
  }
  const shape = checkShape(options.shape, values.length);
  const indices = options.mask === undefined ? undefined : maskToIndices(options.mask, values.length);
  checkFiniteValues('values', values, indices);
  const perChannel = checkBoolean('perChannel', options.perChannel, false);
  const symmetric = checkBoolean('symmetric', options.symmetric, false);
  if (method === 'linear') {
    const channels = perChannel ? (shape[shape.length - 1] as number) : 1;
    const params = computeLinearParams(values, { bits: options.bits, symmetric, channels, indices });
    const codes = quantizeLinear(values, params, indices);
    const restored = dequantizeLinear(codes, params, indices);
    return {
      method,
      bits: params.bits,
      shape,
      length: values.length,
      indices: indices ?? null,
      codes,
      sse: squaredError(values, restored, indices),
      symmetric,
      channels,
      scales: params.scales,
      zeroPoints: params.zeroPoints,
    };
  }
  if (perChannel) throw new QuantizationOptionError('perChannel', perChannel, 'false with method kmeans (one codebook per weight)');
  if (symmetric) throw new QuantizationOptionError('symmetric', symmetric, 'false with method kmeans');
  const bits = checkBits('bits', options.bits);
  const selected = indices === undefined ? values : gather(values, indices);
  const clustering = clusterValues(selected, 2 ** bits, options);
  return {
    method,
    bits,
    shape,
    length: values.length,
    indices: indices ?? null,
    codes: clustering.codes,
    sse: clustering.sse,
    codebook: clustering.codebook,
  };
}

function clusterValues(selected: ArrayLike<number>, k: number, options: QuantizeWeightsOptions): KmeansResult {
  if (selected.length === 0) return { codebook: new Float32Array(0), codes: new Uint8Array(0), sse: 0 };
  const algorithm = options.kmeans ?? 'optimal';
  if (algorithm === 'optimal') return kmeansOptimal1d(selected, k);
  if (algorithm === 'lloyd') {
    return kmeansLloyd1d(selected, k, { seed: options.seed ?? 0, maxIterations: options.maxIterations });
  }
  throw new QuantizationOptionError('kmeans', algorithm, "'optimal' or 'lloyd'");
}

function gather(values: ArrayLike<number>, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let t = 0; t < indices.length; t++) out[t] = values[indices[t] as number] as number;
  return out;
}

function squaredError(values: ArrayLike<number>, restored: Float32Array, indices: Uint32Array | undefined): number {
  let sse = 0;
  for (let t = 0; t < restored.length; t++) {
    const e = (values[indices === undefined ? t : (indices[t] as number)] as number) - (restored[t] as number);
    sse += e * e;
  }
  return sse;
}

/** The dequantised values of the quantised entries only, in position order (float32). */
export function dequantizeCodes(q: QuantizedTensor): Float32Array {
  const expected = q.indices === null ? q.length : q.indices.length;
  if (q.codes.length !== expected) throw new LengthMismatchError('codes', expected, q.codes.length);
  if (q.method === 'linear') {
    const params: LinearQuantizationParams = {
      bits: q.bits,
      symmetric: q.symmetric,
      channels: q.channels,
      scales: q.scales,
      zeroPoints: q.zeroPoints,
    };
    return dequantizeLinear(q.codes, params, q.indices ?? undefined);
  }
  const out = new Float32Array(q.codes.length);
  const size = q.codebook.length;
  for (let t = 0; t < q.codes.length; t++) {
    const code = q.codes[t] as number;
    if (code >= size) throw new QuantizationOptionError(`codes[${t}]`, code, `a code below the codebook size ${size}`);
    out[t] = q.codebook[code] as number;
  }
  return out;
}

/**
 * Writes the dequantised entries into `target` (length = the weight's) at
 * their positions, leaving every other entry untouched: several tasks'
 * sub-networks can be assembled into one weight. Returns `target`.
 */
export function dequantizeInto(q: QuantizedTensor, target: Float32Array): Float32Array {
  if (target.length !== q.length) throw new LengthMismatchError('target', q.length, target.length);
  const restored = dequantizeCodes(q);
  if (q.indices === null) target.set(restored);
  else for (let t = 0; t < restored.length; t++) target[q.indices[t] as number] = restored[t] as number;
  return target;
}

/** The whole weight, dequantised, with 0 at entries that were not quantised. */
export function dequantize(q: QuantizedTensor): Float32Array {
  return dequantizeInto(q, new Float32Array(q.length));
}

/** The largest code `q` may hold: 2^bits - 1 (linear symmetric: 2^bits - 2). */
export function maxCode(q: QuantizedTensor): number {
  return q.method === 'linear' ? maxLinearCode(q) : 2 ** q.bits - 1;
}
