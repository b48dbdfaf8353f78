import { InvalidArgumentError } from '@retain/core';
import type { EligibleSet } from '../selection/eligible-set.js';
import { compareCodeUnits, selectTopFraction, selectTopFractionAcross, type RankedLayer } from '../selection/top-k-mask.js';

/** Options of {@link magnitudePrune}. */
export interface MagnitudePruneOptions {
  /** Fraction of the eligible weights kept, in [0, 1]; kept count = Math.round(keepFraction * eligible count). */
  readonly keepFraction: number;
  /** The weights the current task may use (mask or index list); default all. */
  readonly eligible?: EligibleSet;
}

/** One named layer's weights and the part of them the current task may use. */
export interface PrunableLayer {
  /** The layer's weights, flattened. */
  readonly weights: Float32Array;
  /** The weights the current task may use (mask or index list); default all. */
  readonly eligible?: EligibleSet;
}

/**
 * Magnitude pruning of one layer restricted to an eligible set: a 0/1 mask
 * (1 = kept) of exactly Math.round(keepFraction * eligible count) eligible
 * weights, those with the largest |w|; ties go to the lower index. Ineligible
 * weights are never kept. Throws InvalidArgumentError (keepFraction outside
 * [0, 1], bad eligible entries), LengthMismatchError (mask length), NaNValueError
 * (NaN among the eligible weights).
 *
 * @example
 * const kept = magnitudePrune(new Float32Array([0.1, -3, 2, 0.5]), { keepFraction: 0.5, eligible: [0, 2, 3] });
 * // eligible |w| = 0.1, 2, 0.5; round(0.5 * 3) = 2 kept -> Uint8Array [0, 0, 1, 1]
 */
export function magnitudePrune(weights: Float32Array, options: MagnitudePruneOptions): Uint8Array {
  return selectTopFraction(weights, options.keepFraction, {
    eligible: options.eligible,
    rankBy: 'magnitude',
    field: 'weights',
    fractionField: 'keepFraction',
  });
}

/**
 * {@link magnitudePrune} applied to each layer on its own, with one keep
 * fraction for all layers or one per layer (every layer must have one, and no
 * fraction may name a missing layer). Returns a mask per layer.
 */
export function magnitudePruneLayers(
  layers: Readonly<Record<string, PrunableLayer>>,
  keepFractions: number | Readonly<Record<string, number>>,
): Record<string, Uint8Array> {
  const names = Object.keys(layers).sort(compareCodeUnits);
  if (typeof keepFractions !== 'number') {
    for (const name of Object.keys(keepFractions)) {
      if (!(name in layers)) throw new InvalidArgumentError(`keepFractions.${name}`, keepFractions[name], 'no entry: there is no such layer');
    }
  }
  const out: Record<string, Uint8Array> = {};
  for (const name of names) {
    const layer = layers[name] as PrunableLayer;
    const fraction = typeof keepFractions === 'number' ? keepFractions : keepFractions[name];
    if (fraction === undefined) throw new InvalidArgumentError(`keepFractions.${name}`, fraction, 'a keep fraction in [0, 1] for every layer');
    out[name] = selectTopFraction(layer.weights, fraction, {
      eligible: layer.eligible,
      rankBy: 'magnitude',
      field: `${name}.weights`,
      fractionField: typeof keepFractions === 'number' ? 'keepFraction' : `keepFractions.${name}`,
    });
  }
  return out;
}

/**
 * Global magnitude pruning across several named layers: one threshold for all
 * of them. Exactly Math.round(keepFraction * total eligible count) weights are
 * kept in all, the largest |w| over every layer's eligible weights; ties go to
 * the layer whose name sorts first (code-unit order), then to the lower index.
 *
 * @example
 * const masks = magnitudePruneGlobal({ fc1: { weights: w1 }, fc2: { weights: w2, eligible: free2 } }, 0.3);
 */
export function magnitudePruneGlobal(layers: Readonly<Record<string, PrunableLayer>>, keepFraction: number): Record<string, Uint8Array> {
  const ranked: Record<string, RankedLayer> = {};
  for (const [name, layer] of Object.entries(layers)) ranked[name] = { values: layer.weights, eligible: layer.eligible };
  return selectTopFractionAcross(ranked, keepFraction, { rankBy: 'magnitude', fractionField: 'keepFraction', valueField: 'weights' });
}
