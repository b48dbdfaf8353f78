import { InvalidArgumentError } from '@retain/core';

/**
 * How per-layer sparsities are folded into the one number the fitness
 * rewards (ours: the paper names "a sparsity term" without a formula).
 * - `parameter-weighted`: sum(s_l * n_l) / sum(n_l), the fraction of all the
 *   task's weights that is pruned (n_l = the layer's weight count). The authors'
 *   code sums s_l * n_l (compute_average_sparsity); we divide by sum(n_l) so
 *   the term is in [0, 1] like the accuracy.
 * - `layer-mean`: the plain mean of s_l over layers.
 */
export type SparsityTermKind = 'parameter-weighted' | 'layer-mean';

/** Weights of the fitness. */
export interface FitnessWeights {
  /** Weight of the accuracy (paper: 0.8). */
  readonly accuracy: number;
  /** Weight of the sparsity term (paper: 0.2). */
  readonly sparsity: number;
}

/**
 * The sparsity term of per-layer sparsities `sparsities` (layer name -> pruned
 * fraction) over layers of `layerSizes` weights, as defined by `kind`.
 */
export function sparsityTerm(
  sparsities: Readonly<Record<string, number>>,
  layerSizes: Readonly<Record<string, number>>,
  kind: SparsityTermKind,
): number {
  // Sorted, so the sums do not depend on the objects' insertion order.
  const names = Object.keys(layerSizes).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new InvalidArgumentError('layers', layerSizes, 'at least one layer');
  let weighted = 0;
  let total = 0;
  let sum = 0;
  for (const name of names) {
    const s = sparsities[name];
    if (s === undefined || !(s >= 0 && s <= 1)) throw new InvalidArgumentError(`sparsities.${name}`, s, 'a sparsity in [0, 1]');
    const n = layerSizes[name] as number;
    weighted += s * n;
    total += n;
    sum += s;
  }
  if (kind === 'layer-mean') return sum / names.length;
  if (kind !== 'parameter-weighted') throw new InvalidArgumentError('sparsityTerm', kind, "'parameter-weighted' or 'layer-mean'");
  if (total === 0) throw new InvalidArgumentError('layers', layerSizes, 'a positive total weight count for a parameter-weighted sparsity term');
  return weighted / total;
}

/** Fitness of a candidate: weights.accuracy * accuracy + weights.sparsity * term (Ada-QPacknet: 0.8 / 0.2). */
export function searchFitness(accuracy: number, term: number, weights: FitnessWeights): number {
  return weights.accuracy * accuracy + weights.sparsity * term;
}
