import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitCountWidth, BlipModelCodecError, decodeBlipModel, encodeBlipModel, type BlipModelParts } from './blip-model-codec.js';
import { quantizeToPrecision } from './fixed-point.js';

/** Same numbers, +0 and -0 counted equal (a grid value -0 reads back as +0). */
function sameNumbers(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('encodeBlipModel / decodeBlipModel', () => {
  it('worked example: sizes of every part, and the values back', () => {
    // maxBits 3: bit counts take 2 bits. Weights: 0 bits (float32), 1 bit (3-bit code), 3 bits (5-bit code) x 2.
    const bound = 1;
    const bits = Uint8Array.from([0, 1, 3, 3]);
    const values = quantizeToPrecision(Float32Array.from([0.3, 0.3, -0.62, 1]), bits, bound); // [0.3, 0.5, -0.625, 1]
    expect(Array.from(values)).toEqual([Math.fround(0.3), 0.5, -0.625, 1]);
    const parts: BlipModelParts = { maxBits: 3, quantized: [{ name: 'k', values, bits, bound }], float: [{ name: 'head', values: Float32Array.from([1.5, -2]) }] };
    const { bytes, breakdown } = encodeBlipModel(parts);
    // header 10; tensor 'k': name 2 + 1, size 4, bound 8; bit counts 4 x 2 bits = 1 word (4 bytes);
    // values: 1 float32 (4) + one 3-bit code (1 word, 4) + two 5-bit codes (1 word, 4); head: name 2 + 4, size 4, 2 float32 (8).
    expect(breakdown).toEqual({ total: 10 + 15 + 4 + 12 + 10 + 8, header: 10 + 15 + 10, bitCounts: 4, quantized: 12, float: 8 });
    expect(bytes.length).toBe(breakdown.total);
    const back = decodeBlipModel(bytes);
    expect(back.maxBits).toBe(3);
    expect(back.quantized[0]?.name).toBe('k');
    expect(Array.from(back.quantized[0]?.bits ?? [])).toEqual([0, 1, 3, 3]);
    expect(Array.from(back.quantized[0]?.values ?? [])).toEqual(Array.from(values));
    expect(back.float).toEqual([{ name: 'head', values: Float32Array.from([1.5, -2]) }]);
    expect(bitCountWidth(20)).toBe(5);
  });

  it('refuses values off their grid, bit counts above maxBits, and damaged bytes', () => {
    const off = { maxBits: 4, quantized: [{ name: 'k', values: Float32Array.from([0.3]), bits: Uint8Array.from([2]), bound: 1 }], float: [] };
    expect(() => encodeBlipModel(off)).toThrow(BlipModelCodecError);
    expect(() => encodeBlipModel({ ...off, quantized: [{ ...off.quantized[0]!, bits: Uint8Array.from([5]) }] })).toThrow(/maxBits/);
    const good = encodeBlipModel({ maxBits: 4, quantized: [{ name: 'k', values: Float32Array.from([0.25]), bits: Uint8Array.from([2]), bound: 1 }], float: [] }).bytes;
    expect(() => decodeBlipModel(good.subarray(0, good.length - 1))).toThrow(/truncated/);
    const wrong = good.slice();
    wrong[0] = 0x58;
    expect(() => decodeBlipModel(wrong)).toThrow(/magic/);
    expect(() => decodeBlipModel(Uint8Array.from([...good, 0]))).toThrow(/bytes left/);
  });

  it('round trip: any synced tensor (bits 0..maxBits, maxBits up to 22, codes wider than 16 bits) reads back as the same numbers; length is the breakdown total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 22 }),
        fc.float({ min: Math.fround(0.01), max: 10, noNaN: true }),
        fc.array(fc.tuple(fc.float({ min: -20, max: 20, noNaN: true }), fc.nat()), { maxLength: 60 }),
        (maxBits, bound, raw) => {
          const bits = Uint8Array.from(raw, ([, b]) => b % (maxBits + 1));
          const values = quantizeToPrecision(Float32Array.from(raw, ([v]) => v), bits, bound);
          const head = Float32Array.from(raw.slice(0, 5), ([v]) => v);
          const { bytes, breakdown } = encodeBlipModel({ maxBits, quantized: [{ name: 'w', values, bits, bound }], float: [{ name: 'h', values: head }] });
          expect(bytes.length).toBe(breakdown.total);
          expect(breakdown.header + breakdown.bitCounts + breakdown.quantized + breakdown.float).toBe(breakdown.total);
          const back = decodeBlipModel(bytes);
          const q = back.quantized[0];
          expect(q?.bound).toBe(bound);
          expect(Array.from(q?.bits ?? [])).toEqual(Array.from(bits));
          expect(sameNumbers(q?.values ?? new Float32Array(), values)).toBe(true);
          expect(sameNumbers(back.float[0]?.values ?? new Float32Array(), head)).toBe(true);
          // Each weight costs its bits + 2 (32 for a free one), plus the bit count; words round up.
          const payload = bits.reduce((n, b) => n + (b === 0 ? 32 : b + 2), 0) / 8;
          expect(breakdown.quantized).toBeGreaterThanOrEqual(payload);
          expect(breakdown.quantized).toBeLessThanOrEqual(payload + 4 * 2 * (maxBits + 1));
        },
      ),
    );
  });
});
