import fc from 'fast-check';
import { Rng } from '@retain/core';
import { describe, expect, it } from 'vitest';
import { BitMask } from '../bits/bit-mask.js';
import { MaskCodingError } from '../errors/mask-errors.js';
import { rangeDecodeMask, rangeEncodeMask } from './binary-range-coder.js';
import { MASK_HEADER_BYTES, MaskCoding, decodeMask, encodeMask, readMaskHeader } from './mask-coding.js';

function randomMask(rng: Rng, length: number, density: number): BitMask {
  const mask = BitMask.empty(length);
  for (let i = 0; i < length; i++) if (rng.nextFloat() < density) mask.set(i, true);
  return mask;
}

/** Binary entropy in bits. */
function entropy(p: number): number {
  return p <= 0 || p >= 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

const arbitraryMask = fc
  .tuple(fc.array(fc.boolean(), { maxLength: 400 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([bits, density]) => BitMask.fromDense(bits.map((b, i) => Number(b && ((i * 2654435761) % 1000) / 1000 < density))));

describe('range coder', () => {
  it('round-trips arbitrary bit strings for every context order', () => {
    fc.assert(
      fc.property(arbitraryMask, fc.integer({ min: 0, max: 12 }), (mask, contextBits) => {
        const bytes = rangeEncodeMask(mask, contextBits);
        expect(rangeDecodeMask(bytes, mask.length, contextBits).equals(mask)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips long runs of ones and zeros (carry propagation)', () => {
    for (const fill of [0, 1]) {
      const mask = fill ? BitMask.full(100_000) : BitMask.empty(100_000);
      mask.set(50_000, fill === 0);
      const bytes = rangeEncodeMask(mask, 0);
      expect(bytes.length).toBeLessThan(200);
      expect(rangeDecodeMask(bytes, mask.length, 0).equals(mask)).toBe(true);
    }
  });

  it('codes an i.i.d. mask within 2 % of its entropy', () => {
    const rng = Rng.fromSeed(7).stream('masks');
    for (const density of [0.05, 0.2, 0.5]) {
      const mask = randomMask(rng, 200_000, density);
      const bytes = rangeEncodeMask(mask, 0);
      const p = mask.popcount() / mask.length;
      const bound = (entropy(p) * mask.length) / 8;
      expect(bytes.length).toBeLessThan(bound * 1.02 + 64);
      expect(rangeDecodeMask(bytes, mask.length, 0).equals(mask)).toBe(true);
    }
  });

  it('refuses truncated, padded and malformed payloads', () => {
    const mask = randomMask(Rng.fromSeed(3), 4000, 0.3);
    const bytes = rangeEncodeMask(mask, 2);
    expect(() => rangeDecodeMask(bytes.subarray(0, bytes.length - 3), mask.length, 2)).toThrow(MaskCodingError);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(() => rangeDecodeMask(padded, mask.length, 2)).toThrow(/past its end/);
    const bad = bytes.slice();
    bad[0] = 1;
    expect(() => rangeDecodeMask(bad, mask.length, 2)).toThrow(/0 byte/);
    expect(() => rangeDecodeMask(new Uint8Array(3), 10, 2)).toThrow(/5-byte/);
    expect(() => rangeEncodeMask(mask, 13)).toThrow(/contextBits/);
  });
});

describe('encodeMask / decodeMask', () => {
  it('round-trips arbitrary masks under every coding choice', () => {
    fc.assert(
      fc.property(arbitraryMask, fc.constantFrom('auto', 'raw', 'range') , fc.integer({ min: 0, max: 8 }), (mask, coding, contextBits) => {
        const bytes = encodeMask(mask, { coding, contextBits });
        expect(decodeMask(bytes).equals(mask)).toBe(true);
        const header = readMaskHeader(bytes);
        expect(header.length).toBe(mask.length);
        expect(header.popcount).toBe(mask.popcount());
        if (coding === 'raw') expect(header.coding).toBe(MaskCoding.Raw);
        if (coding === 'range') expect(header.coding).toBe(MaskCoding.Range);
        // auto never does worse than bit-packing.
        if (coding === 'auto') expect(bytes.length).toBeLessThanOrEqual(MASK_HEADER_BYTES + Math.ceil(mask.length / 8));
      }),
      { numRuns: 200 },
    );
  });

  it('codes a sparse mask (5 % ones) to clearly fewer bytes than the bit-packed form', () => {
    const mask = randomMask(Rng.fromSeed(42).stream('masks'), 100_000, 0.05);
    const packed = encodeMask(mask, { coding: 'raw' });
    const coded = encodeMask(mask);
    expect(readMaskHeader(coded).coding).toBe(MaskCoding.Range);
    expect(packed.length).toBe(MASK_HEADER_BYTES + 12_500);
    // H(0.05) = 0.286 bits per weight: about 3,600 bytes against 12,500.
    expect(coded.length).toBeLessThan(0.32 * packed.length);
    expect(decodeMask(coded).equals(mask)).toBe(true);
  });

  it('falls back to bit-packing when range coding does not pay (a dense random mask)', () => {
    const mask = randomMask(Rng.fromSeed(5), 10_000, 0.5);
    const coded = encodeMask(mask);
    expect(readMaskHeader(coded).coding).toBe(MaskCoding.Raw);
    expect(coded.length).toBe(MASK_HEADER_BYTES + 1250);
  });

  it('refuses malformed encodings with a MaskCodingError', () => {
    const mask = BitMask.fromDense([1, 0, 1, 1, 0, 1, 0, 0, 1, 1]);
    const raw = encodeMask(mask, { coding: 'raw' });
    expect(() => decodeMask(raw.subarray(0, 5))).toThrow(MaskCodingError);
    const badFlag = raw.slice();
    badFlag[0] = 9;
    expect(() => decodeMask(badFlag)).toThrow(/coding flag 9/);
    const badCount = raw.slice();
    badCount[8] = 3;
    expect(() => decodeMask(badCount)).toThrow(/header says 3/);
    const tail = raw.slice();
    tail[MASK_HEADER_BYTES + 1] = tail[MASK_HEADER_BYTES + 1]! | 0x80;
    expect(() => decodeMask(tail)).toThrow(/past the mask length/);
    expect(() => decodeMask(raw.subarray(0, raw.length - 1))).toThrow(/raw payload/);
    const reserved = raw.slice();
    reserved[2] = 1;
    expect(() => decodeMask(reserved)).toThrow(/reserved/);
    expect(() => encodeMask(mask, { coding: 'zip' as 'raw' })).toThrow(/coding/);
  });

  it('encodes an empty mask', () => {
    const bytes = encodeMask(BitMask.empty(0));
    expect(decodeMask(bytes).length).toBe(0);
  });
});
