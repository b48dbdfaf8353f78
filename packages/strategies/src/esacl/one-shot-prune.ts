import { InvalidArgumentError } from '@retain/core';
import { magnitudePrune, magnitudePruneGlobal, pruneBySaliency, pruneBySaliencyGlobal, type PrunableLayer, type SaliencyLayer } from '@retain/pruning';

/** What ranks the weights a task may keep: EsaCL's sharpness-informed saliency, or plain |w|. */
export type EsaclPruning = 'sdp' | 'magnitude';

/** One threshold per layer, or one ranking across all layers. */
export type PruneScope = 'layer' | 'global';

/** One layer as the one-shot pruning sees it. */
export interface PruneLayer {
  readonly name: string;
  readonly weights: Float32Array;
  /** Saliency per weight (required for `sdp`). */
  readonly scores?: Float32Array;
  /** Indices of the weights the task may use (its free weights). */
  readonly free: Uint32Array;
}

/**
 * The weights each layer keeps after one-shot pruning of `sparsity` of the
 * free weights (per layer, or across layers): 0/1 masks, 1 = kept, never
 * outside the free set. `sdp` prunes the lowest saliency, `magnitude` the
 * smallest |w|. Pure.
 */
export function oneShotKeepMasks(layers: readonly PruneLayer[], sparsity: number, method: EsaclPruning, scope: PruneScope): Map<string, Uint8Array> {
  if (!(sparsity >= 0 && sparsity < 1)) throw new InvalidArgumentError('sparsity', sparsity, 'a number in [0, 1)');
  const scoresOf = (l: PruneLayer): Float32Array => {
    if (l.scores === undefined) throw new InvalidArgumentError(`${l.name}.scores`, undefined, "saliency scores (pruning 'sdp')");
    return l.scores;
  };
  const out = new Map<string, Uint8Array>();
  if (scope === 'layer') {
    for (const l of layers) {
      out.set(l.name, method === 'sdp' ? pruneBySaliency(scoresOf(l), { sparsity, eligible: l.free }) : magnitudePrune(l.weights, { keepFraction: 1 - sparsity, eligible: l.free }));
    }
    return out;
  }
  if (method === 'sdp') {
    const ranked: Record<string, SaliencyLayer> = {};
    for (const l of layers) ranked[l.name] = { scores: scoresOf(l), eligible: l.free };
    for (const [name, mask] of Object.entries(pruneBySaliencyGlobal(ranked, sparsity))) out.set(name, mask);
    return out;
  }
  const ranked: Record<string, PrunableLayer> = {};
  for (const l of layers) ranked[l.name] = { weights: l.weights, eligible: l.free };
  for (const [name, mask] of Object.entries(magnitudePruneGlobal(ranked, 1 - sparsity))) out.set(name, mask);
  return out;
}
