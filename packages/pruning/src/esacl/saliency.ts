import { LengthMismatchError, NaNValueError } from '../errors/pruning-errors.js';
import type { EligibleSet } from '../selection/eligible-set.js';
import { selectBySparsity, selectBySparsityAcross, type RankedLayer } from '../selection/top-k-mask.js';

/**
 * Sharpness-informed saliency of each parameter (our reading of EsaCL's SDP,
 * Ren and Honavar 2024: only its abstract could be read, so the formula is
 * ours): the second-order Taylor estimate of the loss change when parameter i
 * is removed (moved by -w_i),
 *
 *   s_i = |w_i * g_i| + 0.5 * w_i^2 * h_i,
 *
 * with g the gradient and h a diagonal curvature proxy, both taken at the
 * SAM-perturbed point (see samSaliency). `curvature` defaults to g_i^2 (the
 * empirical-Fisher proxy of one batch). Low scores mark flat directions:
 * prune those. Throws LengthMismatchError / NaNValueError on bad inputs.
 *
 * @example
 * sharpnessSaliency(new Float32Array([2, -1]), new Float32Array([0.5, 3]));
 * // [|2*0.5| + 0.5*4*0.25, |-1*3| + 0.5*1*9] = [1.5, 7.5]
 */
export function sharpnessSaliency(weights: Float32Array, gradients: Float32Array, curvature?: Float32Array): Float32Array {
  const n = weights.length;
  if (gradients.length !== n) throw new LengthMismatchError('gradients', n, gradients.length);
  if (curvature !== undefined && curvature.length !== n) throw new LengthMismatchError('curvature', n, curvature.length);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    const g = gradients[i] as number;
    const h = curvature === undefined ? g * g : (curvature[i] as number);
    if (Number.isNaN(w)) throw new NaNValueError('weights', i);
    if (Number.isNaN(g)) throw new NaNValueError('gradients', i);
    if (Number.isNaN(h)) throw new NaNValueError('curvature', i);
    scores[i] = Math.abs(w * g) + 0.5 * w * w * h;
  }
  return scores;
}

/**
 * The diagonal curvature proxy over several batches: the mean over batches of
 * the squared per-batch gradients (an empirical Fisher diagonal at batch
 * granularity). All arrays must have one length.
 */
export function squaredGradientCurvature(batchGradients: readonly Float32Array[]): Float32Array {
  const first = batchGradients[0];
  if (first === undefined) return new Float32Array(0);
  const out = new Float32Array(first.length);
  batchGradients.forEach((g, b) => {
    if (g.length !== first.length) throw new LengthMismatchError(`batchGradients[${b}]`, first.length, g.length);
    for (let i = 0; i < g.length; i++) out[i] = (out[i] as number) + (g[i] as number) * (g[i] as number);
  });
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / batchGradients.length;
  return out;
}

/** Options of {@link pruneBySaliency}. */
export interface SaliencyPruneOptions {
  /** Fraction of the eligible parameters pruned, in [0, 1]: exactly Math.round(sparsity * eligible count). */
  readonly sparsity: number;
  /** The parameters the current task may use (mask or index list); default all. */
  readonly eligible?: EligibleSet;
}

/**
 * One-shot pruning by saliency: a 0/1 mask (1 = kept) that prunes exactly
 * Math.round(sparsity * eligible count) of the eligible parameters, those
 * with the lowest scores, and keeps the other eligible ones; ineligible
 * parameters are never kept. Ties: the lower index is kept.
 */
export function pruneBySaliency(scores: Float32Array, options: SaliencyPruneOptions): Uint8Array {
  return selectBySparsity(scores, options.sparsity, { eligible: options.eligible, rankBy: 'value', field: 'scores' });
}

/** One layer's saliency scores and the part of it the current task may use. */
export interface SaliencyLayer {
  /** Saliency scores, one per parameter. */
  readonly scores: Float32Array;
  /** The parameters the current task may use; default all. */
  readonly eligible?: EligibleSet;
}

/**
 * {@link pruneBySaliency} across several named layers with one ranking:
 * exactly Math.round(sparsity * total eligible count) pruned in all. Ties: the
 * layer whose name sorts first, then the lower index, is kept.
 */
export function pruneBySaliencyGlobal(layers: Readonly<Record<string, SaliencyLayer>>, sparsity: number): Record<string, Uint8Array> {
  const ranked: Record<string, RankedLayer> = {};
  for (const [name, layer] of Object.entries(layers)) ranked[name] = { values: layer.scores, eligible: layer.eligible };
  return selectBySparsityAcross(ranked, sparsity, { rankBy: 'value', valueField: 'scores' });
}
