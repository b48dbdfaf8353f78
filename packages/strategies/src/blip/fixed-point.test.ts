import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blipBound, clipToWindow, clipWindow, freezeMoreBits, gridStep, informationGain, quantizeToPrecision, updateRunningFisher } from './fixed-point.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

/** Weights in [-2 bound, 2 bound] with their frozen bits in [0, maxBits]. */
const weightsAndBits = (maxBits: number) =>
  fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.tuple(
      fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 0, max: maxBits }), { minLength: n, maxLength: n }),
      fc.float({ min: Math.fround(0.01), max: Math.fround(0.5), noNaN: true }),
    ),
  );

describe('BLIP fixed point: worked examples', () => {
  it('bound = 6 sqrt(1 / fan_in); grid step bound * 2^-bits', () => {
    expect(blipBound(784)).toBeCloseTo(6 / 28, 12);
    expect(blipBound(100, 3)).toBeCloseTo(0.3, 12);
    expect(gridStep(0.5, 3)).toBe(0.0625);
    expect(() => blipBound(0)).toThrow(/fanIn/);
  });

  it('quantises weights with frozen bits to their grid; leaves 0-bit weights free (clamped only)', () => {
    // bound 1: 1 bit -> grid {-1, -0.5, 0, 0.5, 1}; 2 bits -> quarter steps.
    const q = quantizeToPrecision(f32([0.3, 0.3, 0.3, 1.7, -0.2]), Uint8Array.from([1, 2, 0, 3, 1]), 1);
    expect(Array.from(q)).toEqual([0.5, 0.25, Math.fround(0.3), 1, -0]);
  });

  it('information gain 0.5 log2((F + (t+1) F_old) / ((t+2) F_old)); bits += ceil(IG), capped', () => {
    // First task (t = 0): F = 3 F_old -> IG = 0.5 log2(4 / 2) = 0.5 -> 1 bit.
    expect(informationGain(3, 1, 0)).toBeCloseTo(0.5, 12);
    // F = 0 -> IG = 0.5 log2(1/2) < 0 -> no bit.
    const u = freezeMoreBits(Uint8Array.from([0, 5, 19, 2]), f32([3, 0, 1e6, 1023 * 4]), f32([1, 1, 1, 4]), 0, 20);
    // Last: F = 1023 F_old -> IG = 0.5 log2(1024 / 2) = 4.5 -> 5 more bits.
    expect(Array.from(u.bits)).toEqual([1, 5, 20, 7]);
    expect(u.added).toBe(1 + 0 + 1 + 5);
    expect(() => freezeMoreBits(Uint8Array.from([0]), f32([1]), f32([0]), 0, 20)).toThrow(/fisherOld/);
    expect(() => freezeMoreBits(Uint8Array.from([0]), f32([NaN]), f32([1]), 0, 20)).toThrow(/fisher\[0\]/);
  });

  it('running Fisher: ((t+1) F_old + F) / (t+2)', () => {
    expect(Array.from(updateRunningFisher(f32([1, 2]), f32([4, 2]), 1))).toEqual([2, 2]);
  });
});

describe('BLIP fixed point: properties', () => {
  it('sync is idempotent, stays in range and moves a weight by at most half a grid step', () => {
    fc.assert(
      fc.property(weightsAndBits(20), ([ws, bs, bound]) => {
        const w = Float32Array.from(ws, (v) => v * 2 * bound);
        const bits = Uint8Array.from(bs);
        const q = quantizeToPrecision(w, bits, bound);
        expect(Array.from(quantizeToPrecision(q, bits, bound))).toEqual(Array.from(q));
        q.forEach((v, i) => {
          expect(Math.abs(v)).toBeLessThanOrEqual(bound);
          const clamped = Math.max(-bound, Math.min(bound, w[i] as number));
          const b = bits[i] as number;
          if (b === 0) expect(v).toBe(Math.fround(clamped));
          else expect(Math.abs(v - clamped)).toBeLessThanOrEqual(gridStep(bound, b) / 2 + 1e-6 * bound);
        });
      }),
    );
  });

  it('the clip keeps each weight within one grid step of its synced value and inside the range', () => {
    fc.assert(
      fc.property(weightsAndBits(20), fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 40, maxLength: 40 }), ([ws, bs, bound], moves) => {
        const bits = Uint8Array.from(bs);
        const prev = quantizeToPrecision(Float32Array.from(ws, (v) => v * bound), bits, bound);
        const moved = Float32Array.from(prev, (p, i) => p + (moves[i] as number) * bound);
        const clipped = clipToWindow(moved, clipWindow(prev, bits, bound));
        clipped.forEach((v, i) => {
          const step = gridStep(bound, bits[i] as number);
          expect(Math.abs(v - (prev[i] as number))).toBeLessThanOrEqual(step * (1 + 1e-6) + 1e-7);
          expect(Math.abs(v)).toBeLessThanOrEqual(bound * (1 + 1e-7));
          // A weight already inside the window is not touched.
          if (Math.abs((moved[i] as number) - (prev[i] as number)) < step * 0.999 && Math.abs(moved[i] as number) < bound) expect(v).toBe(moved[i]);
        });
      }),
    );
  });

  it('bits never decrease, never exceed maxBits, and grow with the Fisher', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 24 }), fc.double({ min: 0, max: 1e3, noNaN: true }), fc.double({ min: 1e-12, max: 1, noNaN: true })), { minLength: 1, maxLength: 30 }),
        (maxBits, t, rows) => {
          const bits = Uint8Array.from(rows, ([b]) => Math.min(b, maxBits));
          const fisher = Float32Array.from(rows, ([, f]) => f);
          const old = Float32Array.from(rows, ([, , o]) => o);
          const u = freezeMoreBits(bits, fisher, old, t, maxBits);
          const more = freezeMoreBits(bits, Float32Array.from(fisher, (f) => f * 4 + 1), old, t, maxBits);
          u.bits.forEach((b, i) => {
            expect(b).toBeGreaterThanOrEqual(bits[i] as number);
            expect(b).toBeLessThanOrEqual(maxBits);
            expect(more.bits[i] as number).toBeGreaterThanOrEqual(b);
          });
        },
      ),
    );
  });
});
