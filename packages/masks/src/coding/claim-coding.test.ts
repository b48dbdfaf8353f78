import fc from 'fast-check';
import { Rng } from '@retain/core';
import { describe, expect, it } from 'vitest';
import { BitMask } from '../bits/bit-mask.js';
import { MaskCodingError } from '../errors/mask-errors.js';
import { ClaimHistory } from '../ownership/claim-history.js';
import { ClaimCoding, decodeClaim, encodeClaim } from './claim-coding.js';
import { encodeMask } from './mask-coding.js';

describe('ClaimHistory (worked example)', () => {
  it('lists the slots a claim can take and their contexts', () => {
    const h = new ClaimHistory(8);
    expect(Array.from(h.candidates(4).slots)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(h.record(BitMask.fromDense([1, 1, 0, 0, 1, 0, 0, 0]), 4)).toBe(-1); // task 1: 4 bits of slots 0, 1, 4
    // Task 2 at 30 bits: only slots with <= 2 bits used can take it.
    const c2 = h.candidates(30);
    expect(Array.from(c2.slots)).toEqual([2, 3, 5, 6, 7]);
    expect(Array.from(c2.contexts)).toEqual([0, 0, 0, 0, 0]); // no holder, not in the last claims
    expect(h.record(BitMask.fromDense([0, 0, 0, 1, 0, 0, 1, 0]), 30)).toBe(-1);
    // Task 3 at 2 bits: every slot has >= 2 bits left. Context = min(holders, 7) * 8 + (last claims' yes/no, latest in bit 0).
    const c3 = h.candidates(2);
    expect(Array.from(c3.slots)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(c3.contexts)).toEqual([8 + 2, 8 + 2, 0, 8 + 1, 8 + 2, 0, 8 + 1, 0]);
    expect(h.bitsLeft(3)).toBe(2);
    // A claim over capacity is refused and not recorded.
    expect(h.record(BitMask.fromDense([0, 0, 0, 1, 0, 0, 0, 0]), 3)).toBe(3);
    expect(h.bitsLeft(3)).toBe(2);
  });

  it('codes a claim over its candidates only (bit-packed form)', () => {
    const h = new ClaimHistory(8);
    h.record(BitMask.fromDense([1, 1, 0, 0, 1, 0, 0, 0]), 4);
    const claim = BitMask.fromDense([0, 0, 0, 1, 0, 0, 1, 0]);
    const coded = encodeClaim(h, claim, 30, { coding: 'raw' });
    // Candidates 2, 3, 5, 6, 7 -> bits 0, 1, 0, 1, 0 -> one byte 0b01010.
    expect(coded).toEqual({ coding: ClaimCoding.CandidateRaw, payload: Uint8Array.of(0b01010) });
    expect(decodeClaim(h, coded.coding, coded.payload, 30).equals(claim)).toBe(true);
    // auto keeps the smallest: 1 byte here (a self-contained mask needs a 12-byte header).
    expect(encodeClaim(h, claim, 30).payload.length).toBe(1);
    // A claim on a slot without room can only be coded independently.
    const over = BitMask.fromDense([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(encodeClaim(h, over, 30).coding).toBe(ClaimCoding.Independent);
  });
});

interface TaskPlan {
  readonly bits: number;
  readonly fraction: number;
  readonly reuse: number;
}

/** Claims a random task sequence over one tensor; later tasks prefer (with probability `reuse`) the slots the previous task took. */
function claimSequence(size: number, plans: readonly TaskPlan[], seed: number): { bits: number; slots: BitMask }[] {
  const rng = Rng.fromSeed(seed);
  const h = new ClaimHistory(size);
  const out: { bits: number; slots: BitMask }[] = [];
  let previous = new BitMask(size);
  for (const plan of plans) {
    const { slots: candidates } = h.candidates(plan.bits);
    const slots = new BitMask(size);
    for (const i of candidates) {
      const p = previous.get(i) ? plan.reuse : plan.fraction;
      if (rng.nextFloat() < p) slots.set(i, true);
    }
    expect(h.record(slots, plan.bits)).toBe(-1);
    out.push({ bits: plan.bits, slots });
    previous = slots;
  }
  return out;
}

const arbitraryPlans = fc.array(
  fc.record({ bits: fc.constantFrom(1, 2, 3, 4, 6, 8, 16, 32), fraction: fc.double({ min: 0, max: 1, noNaN: true }), reuse: fc.double({ min: 0, max: 1, noNaN: true }) }),
  { minLength: 1, maxLength: 8 },
);

describe('encodeClaim / decodeClaim (property)', () => {
  it('round-trips every claim of a random task sequence, in every coding, and auto is never larger than a self-contained mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), arbitraryPlans, fc.nat(), fc.constantFrom('auto', 'raw', 'range') as fc.Arbitrary<'auto' | 'raw' | 'range'>, (size, plans, seed, coding) => {
        const claims = claimSequence(size, plans, seed);
        const enc = new ClaimHistory(size);
        const dec = new ClaimHistory(size);
        for (const c of claims) {
          const coded = encodeClaim(enc, c.slots, c.bits, { coding });
          const back = decodeClaim(dec, coded.coding, coded.payload, c.bits);
          expect(back.equals(c.slots)).toBe(true);
          if (coding === 'auto') {
            expect(coded.payload.length).toBeLessThanOrEqual(encodeMask(c.slots).length);
            expect(coded.payload.length).toBeLessThanOrEqual(Math.ceil(enc.candidates(c.bits).slots.length / 8));
          }
          enc.record(c.slots, c.bits);
          dec.record(back, c.bits);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('codes claims with runs (whole rows kept or pruned) in fewer bytes with the neighbour context', () => {
    const rng = Rng.fromSeed(11);
    const h = new ClaimHistory(100 * 64);
    const rows = BitMask.empty(100 * 64);
    for (let r = 0; r < 100; r++) if (rng.nextFloat() < 0.5) for (let c = 0; c < 64; c++) rows.set(r * 64 + c, true);
    const coded = encodeClaim(h, rows, 32);
    expect(coded.coding).toBe(ClaimCoding.SequentialNeighbours);
    // 6400 free slots at density ~0.5: bit-packed over the candidates is 800 bytes; runs of 64 cost far less.
    expect(encodeClaim(h, rows, 32, { coding: 'raw' }).payload.length).toBe(800);
    expect(coded.payload.length).toBeLessThan(80);
    expect(decodeClaim(h, coded.coding, coded.payload, 32).equals(rows)).toBe(true);
  });

  it('codes claims that follow the previous task in fewer bytes than self-contained masks', () => {
    const plans = Array.from({ length: 8 }, () => ({ bits: 3, fraction: 0.2, reuse: 0.9 }));
    const claims = claimSequence(20_000, plans, 7);
    const h = new ClaimHistory(20_000);
    let sequential = 0;
    let independent = 0;
    for (const c of claims) {
      sequential += encodeClaim(h, c.slots, c.bits).payload.length;
      independent += encodeMask(c.slots).length;
      h.record(c.slots, c.bits);
    }
    expect(sequential).toBeLessThan(0.7 * independent);
  });
});

describe('decodeClaim errors', () => {
  const h = new ClaimHistory(64);
  h.record(BitMask.fromIndices(64, [1, 5, 9, 33]), 8);
  const claim = BitMask.fromIndices(64, [1, 2, 40, 41, 42, 63]);

  it('rejects truncated, over-long, miscounted and unknown payloads with MaskCodingError', () => {
    const seq = encodeClaim(h, claim, 8, { coding: 'range' });
    expect([ClaimCoding.Sequential, ClaimCoding.SequentialNeighbours]).toContain(seq.coding);
    expect(() => decodeClaim(h, seq.coding, seq.payload.subarray(0, 3), 8)).toThrow(MaskCodingError);
    expect(() => decodeClaim(h, seq.coding, seq.payload.subarray(0, seq.payload.length - 1), 8)).toThrow(MaskCodingError);
    const longer = new Uint8Array(seq.payload.length + 1);
    longer.set(seq.payload);
    expect(() => decodeClaim(h, seq.coding, longer, 8)).toThrow(/past its end/);
    const miscounted = seq.payload.slice();
    miscounted[0] = (miscounted[0] ?? 0) + 1;
    expect(() => decodeClaim(h, seq.coding, miscounted, 8)).toThrow(MaskCodingError);
    const tooMany = seq.payload.slice();
    tooMany[3] = 1; // count >= 2^24 > 64 candidates
    expect(() => decodeClaim(h, seq.coding, tooMany, 8)).toThrow(/only 64 slots can take 8 bits/);
    const raw = encodeClaim(h, claim, 8, { coding: 'raw' });
    expect(() => decodeClaim(h, raw.coding, raw.payload.subarray(1), 8)).toThrow(/expected 8 for 64 candidate slots/);
    expect(() => decodeClaim(h, 7, raw.payload, 8)).toThrow(/unknown claim coding 7/);
    // The two range-coded forms are not interchangeable: the same bytes under the other context decode differently or fail.
    const other = seq.coding === ClaimCoding.Sequential ? ClaimCoding.SequentialNeighbours : ClaimCoding.Sequential;
    let differs = false;
    try {
      differs = !decodeClaim(h, other, seq.payload, 8).equals(claim);
    } catch (error) {
      differs = error instanceof MaskCodingError;
    }
    expect(differs).toBe(true);
    expect(() => decodeClaim(new ClaimHistory(63), ClaimCoding.Independent, encodeMask(claim), 8)).toThrow(/mask of 64 weights for a tensor of 63/);
  });

  it('rejects bits set past the last candidate', () => {
    const small = new ClaimHistory(5);
    expect(() => decodeClaim(small, ClaimCoding.CandidateRaw, Uint8Array.of(0b100001), 4)).toThrow(/past the last candidate/);
  });
});
