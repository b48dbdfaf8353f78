import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@retain/core';
import { dequantize, dequantizeCodes, dequantizeInto, maxCode, quantizeWeights } from './quantize-weights.js';
import { kmeansOptimal1d } from '../kmeans/kmeans-optimal.js';
import { BitWidthError, LengthMismatchError, NonFiniteValueError, QuantizationOptionError } from '../errors/quantization-errors.js';

function weights(n: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => rng.nextNormal() * 0.1);
}

describe('quantizeWeights / dequantize', () => {
  it('kmeans: 2^bits centres, codes for every entry, dequantised to codebook values', () => {
    const values = weights(400, 1);
    const q = quantizeWeights(values, { method: 'kmeans', bits: 3, shape: [20, 20] });
    if (q.method !== 'kmeans') throw new Error('unreachable');
    expect(q.codebook.length).toBe(8);
    expect(q.indices).toBeNull();
    expect(q.shape).toEqual([20, 20]);
    const restored = dequantize(q);
    expect(restored.length).toBe(400);
    for (const v of restored) expect(q.codebook).toContain(v);
    const direct = kmeansOptimal1d(values, 8);
    expect(q.sse).toBe(direct.sse);
    expect(maxCode(q)).toBe(7);
  });

  it('kmeans with a mask: only the task-owned entries are clustered, stored and restored', () => {
    const values = Float32Array.of(5, 0.1, -7, 0.2, 5.5, -6.5);
    const mask = Uint8Array.of(1, 0, 1, 0, 1, 1);
    const q = quantizeWeights(values, { method: 'kmeans', bits: 1, mask });
    if (q.method !== 'kmeans') throw new Error('unreachable');
    expect(Array.from(q.indices!)).toEqual([0, 2, 4, 5]);
    expect(Array.from(q.codebook)).toEqual([-6.75, 5.25]);
    expect(Array.from(q.codes)).toEqual([1, 0, 1, 0]);
    expect(Array.from(dequantize(q))).toEqual([5.25, 0, -6.75, 0, 5.25, -6.75]);
    const target = Float32Array.of(9, 9, 9, 9, 9, 9);
    dequantizeInto(q, target);
    expect(Array.from(target)).toEqual([5.25, 9, -6.75, 9, 5.25, -6.75]);
  });

  it('lloyd k-means is selectable and seeded', () => {
    const values = weights(2000, 2);
    const a = quantizeWeights(values, { method: 'kmeans', bits: 4, kmeans: 'lloyd', seed: 3 });
    const b = quantizeWeights(values, { method: 'kmeans', bits: 4, kmeans: 'lloyd', seed: 3 });
    expect(b).toEqual(a);
    const optimal = quantizeWeights(values, { method: 'kmeans', bits: 4 });
    expect(optimal.sse).toBeLessThanOrEqual(a.sse * (1 + 1e-9));
  });

  it('linear per channel: one scale per output channel (last axis of [kh, kw, in, out])', () => {
    const values = weights(3 * 3 * 2 * 4, 3);
    for (let p = 0; p < values.length; p++) if (p % 4 === 3) values[p] = values[p]! * 100;
    const q = quantizeWeights(values, { method: 'linear', bits: 4, shape: [3, 3, 2, 4], perChannel: true, symmetric: true });
    if (q.method !== 'linear') throw new Error('unreachable');
    expect(q.channels).toBe(4);
    expect(q.scales[3]!).toBeGreaterThan(20 * q.scales[0]!);
    const restored = dequantize(q);
    values.forEach((w, p) => expect(Math.abs(w - restored[p]!)).toBeLessThanOrEqual(q.scales[p % 4]! / 2 + Math.abs(w) * 2 ** -23));
    const perTensor = quantizeWeights(values, { method: 'linear', bits: 4, shape: [3, 3, 2, 4], symmetric: true });
    expect(q.sse).toBeLessThan(perTensor.sse);
  });

  it('property: dequantize(quantize) keeps unselected entries at 0 and selected ones within the bound', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 1, maxLength: 40, min: -10, max: 10, noNaN: true }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.constantFrom('linear' as const, 'kmeans' as const),
        fc.integer({ min: 2, max: 8 }),
        (values, pick, method, bits) => {
          const mask = Array.from(values, (_, i) => pick[i]!);
          const q = quantizeWeights(values, { method, bits, mask });
          const restored = dequantize(q);
          const codes = dequantizeCodes(q);
          expect(codes.length).toBe(mask.filter(Boolean).length);
          let sse = 0;
          values.forEach((w, i) => {
            if (!mask[i]) expect(restored[i]).toBe(0);
            else sse += (w - restored[i]!) ** 2;
            if (mask[i] && q.method === 'linear') expect(Math.abs(w - restored[i]!)).toBeLessThanOrEqual(q.scales[0]! / 2 + 1e-5);
          });
          expect(q.sse).toBeCloseTo(sse, 6);
          for (const code of q.codes) expect(code).toBeLessThanOrEqual(maxCode(q));
        },
      ),
    );
  });

  it('property: k-means quantisation is idempotent: re-quantising the dequantised weights changes nothing', () => {
    fc.assert(
      fc.property(fc.float32Array({ minLength: 1, maxLength: 60, min: -5, max: 5, noNaN: true }), fc.integer({ min: 1, max: 5 }), (values, bits) => {
        const once = dequantize(quantizeWeights(values, { method: 'kmeans', bits }));
        const twice = dequantize(quantizeWeights(once, { method: 'kmeans', bits }));
        expect(Array.from(twice)).toEqual(Array.from(once));
      }),
    );
  });

  it('a mask selecting nothing gives an empty, valid result', () => {
    const q = quantizeWeights([1, 2, 3], { method: 'kmeans', bits: 2, mask: [0, 0, 0] });
    expect(q.codes.length).toBe(0);
    expect(Array.from(dequantize(q))).toEqual([0, 0, 0]);
    const l = quantizeWeights([1, 2, 3], { method: 'linear', bits: 2, mask: [false, false, false] });
    expect(Array.from(dequantize(l))).toEqual([0, 0, 0]);
  });

  it('rejects bad options with typed errors naming the option', () => {
    expect(() => quantizeWeights([1], { method: 'fp8' as 'linear', bits: 4 })).toThrow(/method: expected 'linear' or 'kmeans', got "fp8"/);
    expect(() => quantizeWeights([1], { method: 'kmeans', bits: 17 })).toThrow(BitWidthError);
    expect(() => quantizeWeights([1, 2], { method: 'kmeans', bits: 2, shape: [3] })).toThrow(LengthMismatchError);
    expect(() => quantizeWeights([1, 2], { method: 'kmeans', bits: 2, shape: [2, 0] })).toThrow(/shape\[1\]/);
    expect(() => quantizeWeights([1, 2], { method: 'kmeans', bits: 2, mask: [1] })).toThrow(/mask: expected length 2, got 1/);
    expect(() => quantizeWeights([1, 2], { method: 'kmeans', bits: 2, perChannel: true })).toThrow(QuantizationOptionError);
    expect(() => quantizeWeights([1, 2], { method: 'kmeans', bits: 2, symmetric: true })).toThrow(/symmetric/);
    expect(() => quantizeWeights([1, 2], { method: 'kmeans', bits: 2, kmeans: 'fast' as 'lloyd' })).toThrow(/kmeans: expected/);
    expect(() => quantizeWeights([1, Number.NaN], { method: 'linear', bits: 2 })).toThrow(NonFiniteValueError);
    // A NaN outside the mask is not quantised, so it is not an error.
    expect(() => quantizeWeights([1, Number.NaN], { method: 'linear', bits: 2, mask: [1, 0] })).not.toThrow();
    const q = quantizeWeights([1, 2], { method: 'kmeans', bits: 1 });
    expect(() => dequantizeInto(q, new Float32Array(3))).toThrow(/target: expected length 2, got 3/);
    expect(() => dequantize({ ...q, codes: Uint8Array.of(0, 5) })).toThrow(/codes\[1\]/);
  });
});
