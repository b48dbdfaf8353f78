import { BitMask, CapacityConflictError, OwnershipMap, SLOT_BITS } from '@retain/masks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateSlots, holdersPerSlot, slotBitmaps, summarizeCapacity } from './slot-capacity.js';

const taskArb = fc.record({
  gap: fc.integer({ min: 1, max: 3 }),
  reserve: fc.integer({ min: 1, max: 16 }),
  width: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  reuse: fc.boolean(),
  picks: fc.array(fc.boolean(), { minLength: 48, maxLength: 48 }),
  intruder: fc.nat({ max: 47 }),
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

describe('capacity accounting', () => {
  it('never lets two tasks hold the same bits of a slot, over random task sequences (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.array(taskArb, { minLength: 1, maxLength: 14 }), (size, tasks) => {
        const map = new OwnershipMap([{ name: 'w', shape: [size] }]);
        // Reference model: per slot, the bits charged as a 32-bit occupancy word (ranges stacked in task order).
        const reference = new Uint32Array(size);
        const holders = new Uint8Array(size);
        let id = 0;
        for (const task of tasks) {
          id += task.gap;
          const bits = 1 + Math.floor(task.width * task.reserve);
          const candidates = candidateSlots(map, id, 'w', task.reserve, task.reuse);
          // Candidates: exactly the slots with room for `reserve` more bits (untouched slots when not reusing).
          for (let i = 0; i < size; i++) {
            const used = popcount(reference[i] ?? 0);
            expect(candidates.get(i)).toBe(task.reuse ? SLOT_BITS - used >= task.reserve : used === 0);
          }
          const chosen = BitMask.fromDense(Array.from({ length: size }, (_, i) => (task.picks[i] === true && candidates.get(i) ? 1 : 0)));
          map.claim(id, 'w', chosen, bits);
          chosen.forEachSet((i) => {
            const used = popcount(reference[i] ?? 0);
            const range = bits === SLOT_BITS ? 0xffffffff : (((1 << bits) - 1) << used) >>> 0;
            expect((reference[i] ?? 0) & range).toBe(0);
            reference[i] = ((reference[i] ?? 0) | range) >>> 0;
            holders[i] = (holders[i] ?? 0) + 1;
          });
          // An over-claim of a slot is refused and changes nothing.
          const slot = task.intruder % size;
          const free = SLOT_BITS - popcount(reference[slot] ?? 0);
          if (free < SLOT_BITS) {
            const before = map.bitsUsed('w');
            expect(() => map.claim(id + 1, 'w', BitMask.fromIndices(size, [slot]), Math.min(SLOT_BITS, free + 1))).toThrow(CapacityConflictError);
            expect(map.bitsUsed('w')).toEqual(before);
            expect(map.claimOf(id + 1, 'w')).toBeUndefined();
          }
          // The map's derived bit ranges are disjoint, within the slot, and match the reference exactly.
          expect(slotBitmaps(map, 'w')).toEqual(reference);
          const used = map.bitsUsed('w');
          for (let i = 0; i < size; i++) expect(used[i]).toBe(popcount(reference[i] ?? 0));
          expect(holdersPerSlot(map, 'w')).toEqual(holders);
        }
        const summary = summarizeCapacity(map, 4);
        let usedBits = 0;
        for (const r of reference) usedBits += popcount(r);
        expect(summary.usedBits).toBe(usedBits);
        expect(summary.freeBits).toBe(size * SLOT_BITS - usedBits);
        expect(summary.sharedSlots).toBe(holders.filter((h) => h >= 2).length);
        expect(summary.freeSlots).toBe(reference.filter((r) => r === 0).length);
        expect(summary.reusableSlots).toBe([...reference].filter((r) => SLOT_BITS - popcount(r) >= 4).length);
      }),
      { numRuns: 150 },
    );
  });

  it('worked example: 4-bit codes of three tasks share a slot, a float task takes only untouched slots', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [4] }]);
    map.claim(1, 'w', [1, 1, 0, 0], 4);
    expect(candidateSlots(map, 2, 'w', 6, true).toUint8Array()).toEqual(Uint8Array.of(1, 1, 1, 1));
    map.claim(2, 'w', [1, 0, 1, 0], 6);
    map.claim(3, 'w', [1, 0, 0, 0], 5);
    expect(map.bitsUsed('w')).toEqual(Uint8Array.of(15, 4, 6, 0));
    expect(slotBitmaps(map, 'w')).toEqual(Uint32Array.of(0x7fff, 0xf, 0x3f, 0));
    expect(candidateSlots(map, 4, 'w', 32, false).toUint8Array()).toEqual(Uint8Array.of(0, 0, 0, 1));
    expect(candidateSlots(map, 4, 'w', 17, true).toUint8Array()).toEqual(Uint8Array.of(1, 1, 1, 1));
    expect(candidateSlots(map, 4, 'w', 18, true).toUint8Array()).toEqual(Uint8Array.of(0, 1, 1, 1));
    expect(summarizeCapacity(map, 6)).toEqual({
      slots: 4,
      totalBits: 128,
      usedBits: 25,
      freeBits: 103,
      freeFraction: 103 / 128,
      freeSlots: 1,
      fullSlots: 0,
      sharedSlots: 1,
      reusableSlots: 4,
      reserveBits: 6,
    });
    expect(() => candidateSlots(map, 4, 'w', 0, true)).toThrow(/reserveBits/);
  });
});
