import { InvalidArgumentError } from '@retain/core';
import { packCodes, unpackCodes, type BitMask, type QuantizedTensor as StoredWeights } from '@retain/masks';
import { quantizeWeights, type QuantizationMethod } from '@retain/quantization';

export type { StoredWeights };

/** How one task's weights of one tensor are quantised. */
export interface SlotQuantization {
  /** `kmeans` (a codebook of 2^bits centres per tensor, the authors' code) or `linear` (uniform levels). */
  readonly method: QuantizationMethod;
  /** Code width, 1..16. */
  readonly bits: number;
  /** K-means solver: `optimal` (exact 1-D k-means, deterministic) or `lloyd`. */
  readonly kmeans?: 'optimal' | 'lloyd';
  /** Linear only: a scale and zero point per output channel (last axis) instead of one per tensor. */
  readonly perChannel?: boolean;
}

/**
 * Quantises the values of `weights` (of `shape`) at the slots `slots`: the
 * weights one task keeps in one tensor. Returns the sub-network store entry
 * (@retain/masks): a `codebook` entry (k-means) or a `linear` one (scale and
 * zero point per tensor, or per output channel: channel of slot i = i mod
 * channels), with the codes packed at `bits` bits, one per slot in ascending
 * slot order. Undefined when `slots` selects nothing (nothing is stored).
 */
export function quantizeSlots(tensor: string, weights: Float32Array, shape: readonly number[], slots: BitMask, options: SlotQuantization): StoredWeights | undefined {
  if (slots.length !== weights.length) throw new InvalidArgumentError('slots.length', slots.length, `${weights.length} (the weights)`);
  if (slots.isEmpty()) return undefined;
  const q = quantizeWeights(weights, {
    method: options.method,
    bits: options.bits,
    shape,
    mask: slots.toUint8Array(),
    ...(options.method === 'kmeans' ? { kmeans: options.kmeans ?? 'optimal' } : { perChannel: options.perChannel ?? false }),
  });
  const codes = { bits: options.bits, count: q.codes.length, words: packCodes(q.codes, options.bits) };
  if (q.method === 'kmeans') return { tensor, scheme: 'codebook', codebook: q.codebook, codes };
  return { tensor, scheme: 'linear', scales: Float32Array.from(q.scales), zeroPoints: Float32Array.from(q.zeroPoints), codes };
}

/**
 * The weight values a store entry restores, one per slot of `slots` in
 * ascending slot order (float32): the codebook centre of each code, or
 * fround((code - zeroPoint) x scale) with the stored float32 scale (so
 * inference reads exactly what the store holds), or the stored float values.
 */
export function restoreValues(entry: StoredWeights, slots: BitMask): Float32Array {
  const count = slots.popcount();
  if (entry.scheme === 'float32') {
    if (entry.values.length !== count) throw new InvalidArgumentError(`${entry.tensor}.values.length`, entry.values.length, `${count} (the slots claimed)`);
    return entry.values.slice();
  }
  if (entry.codes.count !== count) throw new InvalidArgumentError(`${entry.tensor}.codes.count`, entry.codes.count, `${count} (the slots claimed)`);
  const codes = unpackCodes(entry.codes.words, entry.codes.bits, count);
  const out = new Float32Array(count);
  if (entry.scheme === 'codebook') {
    const book = entry.codebook;
    for (let k = 0; k < count; k++) {
      const code = codes[k] ?? 0;
      if (code >= book.length) throw new InvalidArgumentError(`${entry.tensor}.codes[${k}]`, code, `a code below the codebook size ${book.length}`);
      out[k] = book[code] ?? 0;
    }
    return out;
  }
  const channels = entry.scales.length;
  let k = 0;
  slots.forEachSet((i) => {
    const c = i % channels;
    out[k] = Math.fround(((codes[k] ?? 0) - (entry.zeroPoints[c] ?? 0)) * (entry.scales[c] ?? 0));
    k++;
  });
  return out;
}

/** Bits per stored code of an entry (32 for float values). */
export function entryBits(entry: StoredWeights): number {
  return entry.scheme === 'float32' ? 32 : entry.codes.bits;
}
