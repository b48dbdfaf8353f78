import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { magnitudePrune, magnitudePruneGlobal, magnitudePruneLayers } from './magnitude-prune.js';
import { LengthMismatchError, NaNValueError } from '../errors/pruning-errors.js';

const weightsArb = fc.oneof(
  fc.float32Array({ noNaN: true, maxLength: 150 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 150 }).map((a) => Float32Array.from(a, (v) => v * 0.25)),
);
const layerArb = weightsArb.chain((weights) =>
  fc.record({
    weights: fc.constant(weights),
    eligible: fc.array(fc.constantFrom(0, 1), { minLength: weights.length, maxLength: weights.length }).map((a) => Uint8Array.from(a)),
  }),
);
const fractionArb = fc.double({ min: 0, max: 1, noNaN: true });

function count(mask: Uint8Array): number {
  return mask.reduce((sum, m) => sum + m, 0);
}

/** Every kept |w| >= every dropped eligible |w|, over (weights, eligible, kept) triples. */
function expectSeparated(parts: { weights: Float32Array; eligible: Uint8Array; kept: Uint8Array }[]): void {
  let minKept = Infinity;
  let maxDropped = -Infinity;
  for (const { weights, eligible, kept } of parts) {
    weights.forEach((w, i) => {
      if (kept[i]) minKept = Math.min(minKept, Math.abs(w));
      else if (eligible[i]) maxDropped = Math.max(maxDropped, Math.abs(w));
    });
  }
  expect(minKept >= maxDropped).toBe(true);
}

describe('magnitudePrune', () => {
  it('keeps exactly round(f * eligible) eligible weights, the largest |w|, deterministically', () => {
    fc.assert(
      fc.property(layerArb, fractionArb, ({ weights, eligible }, keepFraction) => {
        const kept = magnitudePrune(weights, { keepFraction, eligible });
        expect(count(kept)).toBe(Math.round(keepFraction * count(eligible)));
        kept.forEach((k, i) => {
          if (k) expect(eligible[i]).toBe(1);
        });
        expectSeparated([{ weights, eligible, kept }]);
        expect(magnitudePrune(weights, { keepFraction, eligible })).toEqual(kept);
        const list = Uint32Array.from([...eligible.keys()].filter((i) => eligible[i]));
        expect(magnitudePrune(weights, { keepFraction, eligible: list })).toEqual(kept);
      }),
      { numRuns: 300 },
    );
  });

  it('gives ties to the lower index', () => {
    fc.assert(
      fc.property(layerArb, fractionArb, ({ weights, eligible }, keepFraction) => {
        const kept = magnitudePrune(weights, { keepFraction, eligible });
        // A dropped eligible weight tied with a kept one must sit after every kept weight of that magnitude.
        weights.forEach((w, i) => {
          if (!eligible[i] || kept[i]) return;
          weights.forEach((v, j) => {
            if (kept[j] && Math.abs(v) === Math.abs(w)) expect(j).toBeLessThan(i);
          });
        });
      }),
      { numRuns: 150 },
    );
  });

  it('fraction 0 keeps nothing, fraction 1 keeps the eligible set', () => {
    fc.assert(
      fc.property(layerArb, ({ weights, eligible }) => {
        expect(count(magnitudePrune(weights, { keepFraction: 0, eligible }))).toBe(0);
        expect(magnitudePrune(weights, { keepFraction: 1, eligible })).toEqual(eligible);
        expect(count(magnitudePrune(weights, { keepFraction: 1 }))).toBe(weights.length);
      }),
    );
  });

  it('worked example', () => {
    const weights = new Float32Array([0.1, -3, 2, 0.5, -0.5, 0]);
    expect([...magnitudePrune(weights, { keepFraction: 0.5 })]).toEqual([0, 1, 1, 1, 0, 0]);
    expect([...magnitudePrune(weights, { keepFraction: 0.5, eligible: [0, 2, 3] })]).toEqual([0, 0, 1, 1, 0, 0]);
    expect([...magnitudePrune(weights, { keepFraction: 0.5, eligible: new Uint8Array([1, 0, 0, 0, 1, 1]) })]).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('throws typed errors for a fraction out of [0, 1], a length mismatch and NaN weights', () => {
    const weights = new Float32Array([1, 2, 3]);
    for (const keepFraction of [-0.1, 1.5, NaN]) {
      expect(() => magnitudePrune(weights, { keepFraction })).toThrow(InvalidArgumentError);
      expect(() => magnitudePrune(weights, { keepFraction })).toThrow(/^keepFraction: expected a number in \[0, 1\]/);
    }
    expect(() => magnitudePrune(weights, { keepFraction: 0.5, eligible: new Uint8Array(4) })).toThrow(LengthMismatchError);
    expect(() => magnitudePrune(new Float32Array([1, NaN]), { keepFraction: 0.5 })).toThrow(NaNValueError);
    expect(() => magnitudePrune(new Float32Array([1, NaN]), { keepFraction: 0 })).toThrow(/weights\[1\] is NaN/);
    // A NaN outside the eligible set is never ranked.
    expect([...magnitudePrune(new Float32Array([1, NaN]), { keepFraction: 1, eligible: [0] })]).toEqual([1, 0]);
  });
});

describe('magnitudePruneGlobal', () => {
  it('keeps exactly round(f * total eligible) across layers, one threshold for all', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 4 }), fractionArb, (layers, keepFraction) => {
        const named = Object.fromEntries(layers.map((l, i) => [`layer${i}`, l]));
        const masks = magnitudePruneGlobal(named, keepFraction);
        const total = layers.reduce((sum, l) => sum + count(l.eligible), 0);
        const kept = layers.map((_, i) => masks[`layer${i}`]!);
        expect(kept.reduce((sum, m) => sum + count(m), 0)).toBe(Math.round(keepFraction * total));
        layers.forEach((l, i) => kept[i]!.forEach((k, j) => k && expect(l.eligible[j]).toBe(1)));
        expectSeparated(layers.map((l, i) => ({ ...l, kept: kept[i]! })));
        expect(magnitudePruneGlobal(named, keepFraction)).toEqual(masks);
      }),
      { numRuns: 200 },
    );
  });

  it('worked example: ties go to the layer named first', () => {
    const masks = magnitudePruneGlobal(
      { fc2: { weights: new Float32Array([1, 5]) }, fc1: { weights: new Float32Array([1, 0.5, 4]), eligible: [0, 1] } },
      0.5,
    );
    // eligible |w|: fc1 {1, 0.5}, fc2 {1, 5}; keep round(0.5 * 4) = 2: 5, then the tie at 1 goes to fc1.
    expect([...masks.fc1!]).toEqual([1, 0, 0]);
    expect([...masks.fc2!]).toEqual([0, 1]);
  });

  it('names the layer in errors', () => {
    expect(() => magnitudePruneGlobal({ conv: { weights: new Float32Array([NaN]) } }, 0.5)).toThrow(/conv\.weights\[0\] is NaN/);
    expect(() => magnitudePruneGlobal({ conv: { weights: new Float32Array(1) } }, 2)).toThrow(/keepFraction/);
  });
});

describe('magnitudePruneLayers', () => {
  it('prunes each layer on its own with its own fraction', () => {
    fc.assert(
      fc.property(layerArb, layerArb, fractionArb, fractionArb, (a, b, fa, fb) => {
        const masks = magnitudePruneLayers({ a, b }, { a: fa, b: fb });
        expect(masks.a).toEqual(magnitudePrune(a.weights, { keepFraction: fa, eligible: a.eligible }));
        expect(masks.b).toEqual(magnitudePrune(b.weights, { keepFraction: fb, eligible: b.eligible }));
        const same = magnitudePruneLayers({ a, b }, fa);
        expect(same.b).toEqual(magnitudePrune(b.weights, { keepFraction: fa, eligible: b.eligible }));
      }),
      { numRuns: 100 },
    );
  });

  it('requires one fraction per layer and no extra ones', () => {
    const layer = { weights: new Float32Array(3) };
    expect(() => magnitudePruneLayers({ a: layer, b: layer }, { a: 0.5 })).toThrow(/keepFractions\.b/);
    expect(() => magnitudePruneLayers({ a: layer }, { a: 0.5, c: 0.5 })).toThrow(/keepFractions\.c/);
    expect(() => magnitudePruneLayers({ a: layer }, { a: 1.5 })).toThrow(/keepFractions\.a: expected a number in \[0, 1\]/);
  });
});
