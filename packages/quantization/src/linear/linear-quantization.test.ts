import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeLinearParams, dequantizeLinear, maxLinearCode, quantizeLinear } from './linear-quantization.js';
import { BitWidthError, NonFiniteValueError, QuantizationOptionError } from '../errors/quantization-errors.js';

const weights = fc.float32Array({ minLength: 1, maxLength: 64, min: -1e6, max: 1e6, noNaN: true });
const settings = fc.record({ bits: fc.integer({ min: 1, max: 16 }), symmetric: fc.boolean() }).map((s) => ({
  ...s,
  bits: s.symmetric ? Math.max(2, s.bits) : s.bits,
}));

/** Float rounding allowance: the float32 rounding of the output plus float64 slack. */
/** Float rounding allowance: relative float32 rounding of w, float64 noise of the scale, and one float32 subnormal step (2^-149) for tiny values. */
function slack(w: number, scale: number): number {
  return Math.abs(w) * 2 ** -23 + scale * 1e-12 + 2 ** -149;
}

describe('linear quantisation', () => {
  it('worked example: asymmetric 2 bits widens the range to include 0 and rounds to the nearest level', () => {
    const values = [-1, 0, 0.5, 3];
    const params = computeLinearParams(values, { bits: 2 });
    expect(params.scales[0]).toBeCloseTo(4 / 3, 15);
    expect(params.zeroPoints[0]).toBe(1);
    const codes = quantizeLinear(values, params);
    expect(Array.from(codes)).toEqual([0, 1, 1, 3]);
    expect(Array.from(dequantizeLinear(codes, params))).toEqual([
      Math.fround(-4 / 3),
      0,
      0,
      Math.fround(8 / 3),
    ]);
  });

  it('worked example: symmetric 3 bits uses codes 0..6 around zero point 3', () => {
    const params = computeLinearParams([-2, 1], { bits: 3, symmetric: true });
    expect(params.scales[0]).toBeCloseTo(2 / 3, 15);
    expect(params.zeroPoints[0]).toBe(3);
    expect(maxLinearCode(params)).toBe(6);
    const codes = quantizeLinear([-2, 1, 0], params);
    expect(Array.from(codes)).toEqual([0, 5, 3]);
    expect(Array.from(dequantizeLinear(codes, params))).toEqual([-2, Math.fround(4 / 3), 0]);
  });

  it('all-zero input quantises exactly with unit scale', () => {
    const params = computeLinearParams([0, 0, 0], { bits: 4 });
    expect(params.scales[0]).toBe(1);
    const codes = quantizeLinear([0, 0, 0], params);
    expect(Array.from(dequantizeLinear(codes, params))).toEqual([0, 0, 0]);
  });

  it('property: |w - deq(q(w))| <= scale/2 and codes stay within 0..maxCode', () => {
    fc.assert(
      fc.property(weights, settings, (values, { bits, symmetric }) => {
        const params = computeLinearParams(values, { bits, symmetric });
        const codes = quantizeLinear(values, params);
        const restored = dequantizeLinear(codes, params);
        const scale = params.scales[0]!;
        const top = maxLinearCode(params);
        expect(codes instanceof (bits <= 8 ? Uint8Array : Uint16Array)).toBe(true);
        values.forEach((w, i) => {
          expect(codes[i]).toBeGreaterThanOrEqual(0);
          expect(codes[i]).toBeLessThanOrEqual(top);
          expect(Math.abs(w - restored[i]!)).toBeLessThanOrEqual(scale / 2 + slack(w, scale));
        });
      }),
    );
  });

  it('property: with fixed parameters, deq(q(deq(q(w)))) == deq(q(w))', () => {
    fc.assert(
      fc.property(weights, settings, (values, { bits, symmetric }) => {
        const params = computeLinearParams(values, { bits, symmetric });
        const once = dequantizeLinear(quantizeLinear(values, params), params);
        const twice = dequantizeLinear(quantizeLinear(once, params), params);
        expect(Array.from(twice)).toEqual(Array.from(once));
      }),
    );
  });

  it('property: per-channel scales follow each channel (last axis) and keep the bound', () => {
    const shaped = fc
      .record({ rows: fc.integer({ min: 1, max: 8 }), channels: fc.integer({ min: 1, max: 6 }) })
      .chain(({ rows, channels }) =>
        fc.tuple(
          fc.constant(channels),
          fc.float32Array({ minLength: rows * channels, maxLength: rows * channels, min: -1e3, max: 1e3, noNaN: true }),
        ),
      );
    fc.assert(
      fc.property(shaped, settings, ([channels, values], { bits, symmetric }) => {
        const params = computeLinearParams(values, { bits, symmetric, channels });
        expect(params.scales.length).toBe(channels);
        const restored = dequantizeLinear(quantizeLinear(values, params), params);
        for (let c = 0; c < channels; c++) {
          const own = Array.from(values).filter((_, p) => p % channels === c);
          const alone = computeLinearParams(own, { bits, symmetric });
          expect(params.scales[c]).toBe(alone.scales[0]);
          expect(params.zeroPoints[c]).toBe(alone.zeroPoints[0]);
        }
        values.forEach((w, p) => {
          const scale = params.scales[p % channels]!;
          expect(Math.abs(w - restored[p]!)).toBeLessThanOrEqual(scale / 2 + slack(w, scale));
        });
      }),
    );
  });

  it('property: with indices, only the selected entries set the range and get codes', () => {
    fc.assert(
      fc.property(weights, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), settings, (values, pick, { bits, symmetric }) => {
        const indices = Uint32Array.from(Array.from(values.keys()).filter((i) => pick[i]));
        const params = computeLinearParams(values, { bits, symmetric, indices });
        const selected = Array.from(indices, (i) => values[i]!);
        const alone = computeLinearParams(selected.length ? selected : [0], { bits, symmetric });
        expect(params.scales[0]).toBe(alone.scales[0]);
        const codes = quantizeLinear(values, params, indices);
        expect(codes.length).toBe(indices.length);
        const restored = dequantizeLinear(codes, params, indices);
        selected.forEach((w, t) => {
          expect(Math.abs(w - restored[t]!)).toBeLessThanOrEqual(params.scales[0]! / 2 + slack(w, params.scales[0]!));
        });
      }),
    );
  });

  it('a value outside the range clamps to the extreme code', () => {
    const params = computeLinearParams([-1, 1], { bits: 4 });
    const codes = quantizeLinear([100, -100], params);
    expect(Array.from(codes)).toEqual([15, 0]);
  });

  it('rejects bad bit widths, channels, values and codes with typed errors naming them', () => {
    expect(() => computeLinearParams([1], { bits: 0 })).toThrow(BitWidthError);
    expect(() => computeLinearParams([1], { bits: 17 })).toThrow(/bits: expected an integer number of bits in 1..16, got 17/);
    expect(() => computeLinearParams([1], { bits: 2.5 })).toThrow(BitWidthError);
    expect(() => computeLinearParams([1], { bits: 1, symmetric: true })).toThrow(/bits: .*2..16.*symmetric/);
    expect(() => computeLinearParams([1, 2, 3], { bits: 4, channels: 2 })).toThrow(QuantizationOptionError);
    expect(() => computeLinearParams([1, Number.NaN], { bits: 4 })).toThrow(/values\[1\]: expected a finite float32 value, got NaN/);
    expect(() => computeLinearParams([Infinity], { bits: 4 })).toThrow(NonFiniteValueError);
    expect(() => computeLinearParams([1e39], { bits: 4 })).toThrow(NonFiniteValueError);
    const params = computeLinearParams([0, 1], { bits: 2 });
    expect(() => dequantizeLinear([4], params)).toThrow(/codes\[0\]: expected an integer code in 0..3, got 4/);
  });
});
