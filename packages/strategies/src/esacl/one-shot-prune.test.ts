import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneShotKeepMasks, type PruneLayer } from './one-shot-prune.js';

describe('oneShotKeepMasks', () => {
  it('sdp prunes the lowest saliency, magnitude the smallest |w|, among the free weights only', () => {
    const layer: PruneLayer = { name: 'a', weights: Float32Array.from([0.1, -3, 2, 0.5, 9]), scores: Float32Array.from([4, 1, 3, 2, 100]), free: Uint32Array.from([0, 1, 2, 3]) };
    expect(Array.from(oneShotKeepMasks([layer], 0.5, 'sdp', 'layer').get('a') as Uint8Array)).toEqual([1, 0, 1, 0, 0]);
    expect(Array.from(oneShotKeepMasks([layer], 0.5, 'magnitude', 'layer').get('a') as Uint8Array)).toEqual([0, 1, 1, 0, 0]);
    expect(() => oneShotKeepMasks([{ ...layer, scores: undefined }], 0.5, 'sdp', 'layer')).toThrow(/scores/);
    expect(() => oneShotKeepMasks([layer], 1, 'magnitude', 'layer')).toThrow(/sparsity/);
  });

  it('global scope ranks across layers', () => {
    const a: PruneLayer = { name: 'a', weights: Float32Array.from([1, 2]), scores: Float32Array.from([1, 2]), free: Uint32Array.from([0, 1]) };
    const b: PruneLayer = { name: 'b', weights: Float32Array.from([3, 4]), scores: Float32Array.from([3, 4]), free: Uint32Array.from([0, 1]) };
    const masks = oneShotKeepMasks([a, b], 0.5, 'sdp', 'global');
    expect(Array.from(masks.get('a') as Uint8Array)).toEqual([0, 0]);
    expect(Array.from(masks.get('b') as Uint8Array)).toEqual([1, 1]);
  });

  it('keeps a subset of the free weights of the expected size, in every mode', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.float({ min: -5, max: 5, noNaN: true }), fc.float({ min: 0, max: 5, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.constantFrom('sdp' as const, 'magnitude' as const),
        (rows, sparsity, method) => {
          const free = Uint32Array.from(rows.flatMap(([, , f], i) => (f ? [i] : [])));
          const layer: PruneLayer = { name: 'l', weights: Float32Array.from(rows.map(([w]) => w)), scores: Float32Array.from(rows.map(([, s]) => s)), free };
          const kept = oneShotKeepMasks([layer], sparsity, method, 'layer').get('l') as Uint8Array;
          const keptCount = kept.reduce((a, b) => a + b, 0);
          const freeSet = new Set(free);
          kept.forEach((k, i) => {
            if (k === 1) expect(freeSet.has(i)).toBe(true);
          });
          expect(Math.abs(keptCount - (1 - sparsity) * free.length)).toBeLessThanOrEqual(0.5 + 1e-9);
        },
      ),
    );
  });
});
