import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodeRangeError } from '../errors/mask-errors.js';
import { MAX_CODE_BITS, packCodes, packedWordCount, unpackCodes, unpackCodesInto } from './code-packing.js';

const ALL_BITS = Array.from({ length: MAX_CODE_BITS }, (_, i) => i + 1);

describe('packCodes / unpackCodes', () => {
  it('packs a worked example of 3-bit codes straddling a word boundary', () => {
    // 11 codes of 3 bits = 33 bits: code 10 sits on bits 30..32.
    const codes = [1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 7];
    const words = packCodes(codes, 3);
    expect(words.length).toBe(2);
    let expectedLow = 0;
    for (let i = 0; i < 10; i++) expectedLow |= codes[i]! << (3 * i);
    expectedLow |= (7 & 0b11) << 30;
    expect(words[0]).toBe(expectedLow >>> 0);
    expect(words[1]).toBe(1); // the top bit of the last code
    expect(Array.from(unpackCodes(words, 3, 11))).toEqual(codes);
  });

  it('packs 4-bit codes as nibbles, lowest first', () => {
    const words = packCodes(new Uint8Array([0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0xf]), 4);
    expect(Array.from(words)).toEqual([0x87654321, 0xf]);
  });

  it('uses exactly ceil(n * b / 32) words', () => {
    expect(packedWordCount(0, 4)).toBe(0);
    expect(packedWordCount(8, 4)).toBe(1);
    expect(packedWordCount(9, 4)).toBe(2);
    expect(packedWordCount(32, 1)).toBe(1);
    expect(packedWordCount(33, 1)).toBe(2);
    expect(packedWordCount(3, 16)).toBe(2);
    expect(packedWordCount(10, 7)).toBe(3);
  });

  it.each(ALL_BITS)('round-trips random %i-bit codes of random lengths, max values included', (bits) => {
    const max = 2 ** bits - 1;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max }), fc.constant(max), fc.constant(0)), { maxLength: 300 }),
        (codes) => {
          const typed = bits <= 8 ? Uint8Array.from(codes) : Uint16Array.from(codes);
          const words = packCodes(typed, bits);
          expect(words.length).toBe(Math.ceil((codes.length * bits) / 32));
          expect(Array.from(unpackCodes(words, bits, codes.length))).toEqual(codes);
          // Plain arrays pack to the same words.
          expect(Array.from(packCodes(codes, bits))).toEqual(Array.from(words));
          // Tail bits past the last code are zero.
          const used = codes.length * bits;
          if (used % 32 !== 0) expect(words[words.length - 1]! >>> (used % 32)).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(ALL_BITS)('rejects a %i-bit code >= 2^bits with a CodeRangeError naming it', (bits) => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { minLength: 1, maxLength: 80 }), fc.nat(), (codes, at) => {
        const index = at % codes.length;
        const bad = codes.slice();
        bad[index] = 2 ** bits;
        const typed = Uint32Array.from(bad);
        let error: unknown;
        try {
          packCodes(typed, bits);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CodeRangeError);
        expect((error as CodeRangeError).index).toBe(index);
        expect((error as CodeRangeError).value).toBe(2 ** bits);
        expect((error as CodeRangeError).bits).toBe(bits);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects negative, fractional and NaN codes in plain arrays and negatives in Int32Array', () => {
    expect(() => packCodes([1, -1], 4)).toThrow(CodeRangeError);
    expect(() => packCodes([1.5], 4)).toThrow(CodeRangeError);
    expect(() => packCodes([Number.NaN], 4)).toThrow(CodeRangeError);
    expect(() => packCodes(Int32Array.from([3, -2]), 5)).toThrow(CodeRangeError);
    expect(() => packCodes(Int32Array.from([3, -2]), 4)).toThrow(/codes\[1\] = -2/);
  });

  it('rejects bit widths outside 1..16 and outputs too narrow', () => {
    expect(() => packCodes([0], 0)).toThrow(/bits/);
    expect(() => packCodes([0], 17)).toThrow(/bits/);
    expect(() => unpackCodes(new Uint32Array(1), 4, 9)).toThrow(/words.length/);
    expect(() => unpackCodesInto(new Uint32Array(1), 9, 2, new Uint8Array(2))).toThrow(/out/);
    expect(() => unpackCodesInto(new Uint32Array(1), 4, 8, new Uint8Array(4))).toThrow(/out.length/);
  });

  it('unpacks into Uint8Array and Uint32Array outputs', () => {
    const codes = Uint8Array.from({ length: 37 }, (_, i) => (i * 7) % 32);
    const words = packCodes(codes, 5);
    expect(Array.from(unpackCodesInto(words, 5, 37, new Uint8Array(37)))).toEqual(Array.from(codes));
    expect(Array.from(unpackCodesInto(words, 5, 37, new Uint32Array(40)).subarray(0, 37))).toEqual(Array.from(codes));
  });
});
