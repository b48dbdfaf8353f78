import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@retain/core';
import type { ImageShape } from '../datasets/labeled-images.js';
import { composeMaps, fitMap, permutationMap, rotationMap, type PixelMap } from './pixel-map.js';

function apply(m: PixelMap, image: ArrayLike<number>): number[] {
  return Array.from(m.map, (s) => (s < 0 ? 0 : (image[s] ?? Number.NaN)));
}

const shapeArb = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(1, 3)) as fc.Arbitrary<ImageShape>;

describe('pixel maps', () => {
  it('a permutation map is a bijection that moves whole pixels (channels together), and is seeded', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(10_000), ([h, w, c], seed) => {
        const m = permutationMap([h, w, c], Rng.fromSeed(seed));
        expect([...m.map].sort((a, b) => a - b)).toEqual(Array.from({ length: h * w * c }, (_, i) => i));
        for (let j = 0; j < m.map.length; j++) expect((m.map[j]! % c + c) % c).toBe(j % c);
        expect(Array.from(permutationMap([h, w, c], Rng.fromSeed(seed)).map)).toEqual(Array.from(m.map));
      }),
    );
  });

  it('rotation by 0 is the identity, by 90 is an exact quarter turn, four quarter turns are the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.constantFrom(1, 3), (n, c) => {
        const shape: ImageShape = [n, n, c];
        const image = Array.from({ length: n * n * c }, (_, i) => i + 1);
        expect(apply(rotationMap(shape, 0), image)).toEqual(image);
        const quarter = rotationMap(shape, 90);
        // Counter-clockwise: output (r, col) comes from source (col, n-1-r).
        for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) expect(quarter.map[(r * n + col) * c]).toBe((col * n + (n - 1 - r)) * c);
        let m = quarter;
        for (let k = 0; k < 3; k++) m = composeMaps(quarter, m);
        expect(apply(m, image)).toEqual(image);
      }),
    );
  });

  it('rotation by 45 keeps the centre and fills the corners with zeros', () => {
    const n = 28;
    const m = rotationMap([n, n, 1], 45);
    expect(m.map[0]).toBe(-1);
    expect(m.map[n * n - 1]).toBe(-1);
    expect(m.map[14 * n + 14]).toBeGreaterThanOrEqual(0);
    expect(Array.from(rotationMap([n, n, 1], 360).map)).toEqual(Array.from({ length: n * n }, (_, i) => i));
  });

  it("fit 'pad' centres a 28x28 grey image on a 32x32 RGB canvas, grey replicated", () => {
    const m = fitMap([28, 28, 1], [32, 32, 3], 'pad');
    const image = Array.from({ length: 784 }, (_, i) => i + 1);
    const out = apply(m, image);
    expect(out.slice(0, 3)).toEqual([0, 0, 0]);
    const at = (r: number, col: number, k: number) => out[(r * 32 + col) * 3 + k];
    expect([at(2, 2, 0), at(2, 2, 1), at(2, 2, 2)]).toEqual([1, 1, 1]);
    expect(at(29, 29, 2)).toBe(784);
    expect(at(30, 30, 0)).toBe(0);
    expect(out.filter((v) => v === 0)).toHaveLength(32 * 32 * 3 - 784 * 3);
  });

  it("fit 'resize' samples nearest neighbours; RGB cannot become grey; pad cannot shrink", () => {
    const m = fitMap([4, 4, 1], [2, 2, 1], 'resize');
    expect(Array.from(m.map)).toEqual([5, 7, 13, 15]);
    expect(() => fitMap([4, 4, 3], [4, 4, 1], 'pad')).toThrow(/channel count/);
    expect(() => fitMap([32, 32, 3], [28, 28, 3], 'pad')).toThrow(/at least 32x32/);
  });
});
