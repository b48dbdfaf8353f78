import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError, LengthMismatchError } from '@retain/core';
import { NaNValueError } from '../errors/pruning-errors.js';
import { MAX_GUESS_SPAN, selectTopMagnitudeInto, type MagnitudeRange } from './magnitude-select.js';

/** Reference: a stable sort by |v| descending (ties: lower index first), the first k selected. */
function referenceTopK(values: Float32Array, k: number): number[] {
  const order = [...values.keys()].sort((a, b) => {
    const ka = Math.abs(values[a]!);
    const kb = Math.abs(values[b]!);
    return ka === kb ? a - b : kb > ka ? 1 : -1;
  });
  const mask = new Array<number>(values.length).fill(0);
  for (const i of order.slice(0, k)) mask[i] = 1;
  return mask;
}

/** The key selectTopMagnitudeInto reports: the float bits of |v|. */
function keyOf(v: number): number {
  return new Uint32Array(Float32Array.of(Math.abs(v)).buffer)[0]!;
}

/** The k-th largest |v|'s key by the reference order. */
function referenceThreshold(values: Float32Array, k: number): number {
  const sorted = [...values].map(Math.abs).sort((a, b) => b - a);
  return keyOf(sorted[k - 1]!);
}

const tiedValues = fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 150 }).map((a) => Float32Array.from(a, (v) => v / 4));
const anyValues = fc.float32Array({ noNaN: true, minLength: 1, maxLength: 150 });
/** Values of one narrow magnitude band with both signs and many exact ties (one high-16-bit bucket, so the second level decides). */
const oneBucket = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), { minLength: 1, maxLength: 150 })
  .map((a) => Float32Array.from(a, ([m, negative]) => new Float32Array(new Uint32Array([0x3f800000 + m * 3]).buffer)[0]! * (negative ? -1 : 1)));
const someValues = fc.oneof(tiedValues, anyValues, oneBucket);
/** A key range: anything from valid to nonsense; the result must not depend on it. */
const anyGuess: fc.Arbitrary<MagnitudeRange | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.tuple(fc.integer({ min: 0, max: 0x7f800000 }), fc.integer({ min: 0, max: 1 << 20 })).map(([low, width]) => ({ low, high: Math.min(0x7f800000, low + width) })),
  fc.record({ low: fc.integer({ min: -5, max: 0x7fffffff }), high: fc.integer({ min: -5, max: 0x7fffffff }) }),
  fc.record({ low: fc.double(), high: fc.double() }),
);

describe('selectTopMagnitudeInto', () => {
  it('worked example: ties to the lower index, -0 and +0 tie, every entry written', () => {
    const values = Float32Array.of(0.5, -2, -0.5, 1, 0, -0);
    const out = new Float32Array(6).fill(7);
    expect(selectTopMagnitudeInto(values, 2, out)).toEqual({ thresholdKey: keyOf(1), guessHeld: false });
    expect([...out]).toEqual([0, 1, 0, 1, 0, 0]);
    // |v| = .5 2 .5 1 0 0: the third pick is the first 0.5 (index 0 before index 2).
    selectTopMagnitudeInto(values, 3, out);
    expect([...out]).toEqual([1, 1, 0, 1, 0, 0]);
    // Five: both 0.5 and the first zero (+0 at 4 before -0 at 5).
    selectTopMagnitudeInto(values, 5, out);
    expect([...out]).toEqual([1, 1, 1, 1, 1, 0]);
    const bytes = new Uint8Array(6);
    expect(selectTopMagnitudeInto(values, 0, bytes).thresholdKey).toBe(-1);
    expect([...bytes]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(selectTopMagnitudeInto(values, 6, bytes).thresholdKey).toBe(0);
    expect([...bytes]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('worked example with a guess: a right guess holds, a wrong one gives the same mask', () => {
    const values = Float32Array.of(0.1, -0.4, 0.3, -0.2, 0.25);
    const right = { low: keyOf(0.24), high: keyOf(0.26) };
    const wrong = { low: keyOf(3), high: keyOf(4) };
    const a = new Float32Array(5);
    const b = new Float32Array(5);
    expect(selectTopMagnitudeInto(values, 3, a, { guess: right })).toEqual({ thresholdKey: keyOf(0.25), guessHeld: true });
    expect(selectTopMagnitudeInto(values, 3, b, { guess: wrong })).toEqual({ thresholdKey: keyOf(0.25), guessHeld: false });
    expect([...a]).toEqual([0, 1, 1, 0, 1]);
    expect([...b]).toEqual([...a]);
  });

  it('equals a stable sort by |v|, with or without any guess, into float or byte masks', () => {
    fc.assert(
      fc.property(someValues, fc.double({ min: 0, max: 1, noNaN: true }), anyGuess, (values, fraction, guess) => {
        const k = Math.round(fraction * values.length);
        const expected = referenceTopK(values, k);
        const floats = new Float32Array(values.length).fill(3);
        const bytes = new Uint8Array(values.length).fill(3);
        const found = selectTopMagnitudeInto(values, k, floats, { guess });
        selectTopMagnitudeInto(values, k, bytes);
        expect([...floats]).toEqual(expected);
        expect([...bytes]).toEqual(expected);
        expect(found.thresholdKey).toBe(k === 0 ? -1 : referenceThreshold(values, k));
      }),
      { numRuns: 400 },
    );
  });

  it('a guess around the threshold holds and gives the same mask', () => {
    fc.assert(
      fc.property(someValues, fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.nat(1 << 18), fc.nat(1 << 18), (values, fraction, below, above) => {
        const k = Math.round(fraction * values.length);
        if (k === 0 || k === values.length) return;
        const threshold = referenceThreshold(values, k);
        const guess = { low: Math.max(0, threshold - below), high: Math.min(0x7f800000, threshold + above) };
        const out = new Float32Array(values.length);
        expect(selectTopMagnitudeInto(values, k, out, { guess })).toEqual({ thresholdKey: threshold, guessHeld: true });
        expect([...out]).toEqual(referenceTopK(values, k));
      }),
      { numRuns: 200 },
    );
  });

  it('matches the reference on 200k normal-like values, guessing as WSN does from a drifting threshold', () => {
    const n = 200_000;
    const values = new Float32Array(n);
    let s = 99;
    const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < n; i++) values[i] = (next() + next() + next() - 1.5) * 0.01;
    const out = new Float32Array(n);
    const k = n / 2;
    const first = selectTopMagnitudeInto(values, k, out);
    expect([...out]).toEqual(referenceTopK(values, k));
    // Scale every value by 1.0005: the threshold key moves by ~4 000; a guess of +-2^14 around the old one holds.
    for (let i = 0; i < n; i++) values[i] = values[i]! * 1.0005;
    const again = selectTopMagnitudeInto(values, k, out, { guess: { low: first.thresholdKey - (1 << 14), high: first.thresholdKey + (1 << 14) } });
    expect(again.guessHeld).toBe(true);
    expect([...out]).toEqual(referenceTopK(values, k));
  });

  it('orders extremes: Infinity, denormals, -0 and +0', () => {
    const values = new Float32Array([0, -0, 1e-45, -Infinity, 3, -1e-45, Infinity]);
    const out = new Uint8Array(7);
    for (const [k, expected] of [
      [2, [0, 0, 0, 1, 0, 0, 1]],
      [4, [0, 0, 1, 1, 1, 0, 1]],
      [5, [0, 0, 1, 1, 1, 1, 1]],
      [6, [1, 0, 1, 1, 1, 1, 1]],
    ] as const) {
      selectTopMagnitudeInto(values, k, out, { guess: { low: 0, high: 0x7f800000 >>> 8 } });
      expect([...out]).toEqual(expected);
    }
  });

  it('throws on NaN (first position, any k, any guess), a bad k, a wrong output length', () => {
    const values = new Float32Array([1, -2, NaN, 3, NaN]);
    const out = new Float32Array(5);
    for (const k of [0, 2, 5]) {
      for (const guess of [undefined, { low: 0, high: MAX_GUESS_SPAN - 1 }, { low: keyOf(1.5), high: keyOf(2.5) }]) {
        try {
          selectTopMagnitudeInto(values, k, out, { field: 'scores', guess });
          expect.unreachable();
        } catch (error) {
          expect(error).toBeInstanceOf(NaNValueError);
          expect((error as NaNValueError).index).toBe(2);
          expect((error as NaNValueError).field).toBe('scores');
        }
      }
    }
    const ok = new Float32Array([1, 2]);
    expect(() => selectTopMagnitudeInto(ok, 3, new Float32Array(2))).toThrow(InvalidArgumentError);
    expect(() => selectTopMagnitudeInto(ok, 0.5, new Float32Array(2))).toThrow(/^k: expected an integer in \[0, 2\]/);
    expect(() => selectTopMagnitudeInto(ok, 1, new Float32Array(3))).toThrow(LengthMismatchError);
  });
});
