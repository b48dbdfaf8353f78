import { describe, expect, it } from 'vitest';
import { BitMask } from '../bits/bit-mask.js';
import { CapacityConflictError, MaskOwnershipError, ReleaseBlockedError } from '../errors/mask-errors.js';
import { OwnershipMap } from './ownership-map.js';

const bits = (mask: BitMask): number[] => Array.from(mask.toUint8Array());

describe('OwnershipMap: PackNet (nested, 32-bit float weights)', () => {
  it('runs three tasks: free weights shrink, each task sees owners 1..t', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [2, 4] }]);
    expect(bits(map.trainable(1, 'w', 32))).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    map.claim(1, 'w', [1, 1, 0, 0, 0, 0, 0, 0], 32);
    expect(bits(map.trainable(2, 'w', 32))).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
    map.claim(2, 'w', [0, 0, 1, 0, 1, 0, 0, 0], 32);
    map.claim(3, 'w', [0, 0, 0, 1, 0, 0, 0, 1], 32);
    expect(Array.from(map.owners('w'))).toEqual([1, 1, 2, 3, 2, 0, 0, 3]);
    expect(bits(map.visible(1, 'w', 'nested'))).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(bits(map.visible(2, 'w', 'nested'))).toEqual([1, 1, 1, 0, 1, 0, 0, 0]);
    expect(Array.from(map.visible(3, 'w', 'nested').toFloat32Array())).toEqual([1, 1, 1, 1, 1, 0, 0, 1]);
    expect(Array.from(map.ownersVisibleTo(2, 'w', 'nested'))).toEqual([1, 1, 2, 0, 2, 0, 0, 0]);
    expect(Array.from(map.bitsUsed('w'))).toEqual([32, 32, 32, 32, 32, 0, 0, 32]);
    const capacity = map.capacity('w');
    expect(capacity).toMatchObject({ slots: 8, totalBits: 256, usedBits: 192, freeSlots: 2, fullSlots: 6 });
    expect([...capacity.bitsByTask]).toEqual([[1, 64], [2, 64], [3, 64]]);
  });

  it('refuses to let task 2 take a weight of task 1, and changes nothing', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [4] }]);
    map.claim(1, 'w', [0, 1, 0, 0], 32);
    let error: unknown;
    try {
      map.claim(2, 'w', [1, 1, 1, 0], 32);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CapacityConflictError);
    expect(error).toMatchObject({ code: 'ERR_CAPACITY_CONFLICT', taskId: 2, tensor: 'w', slot: 1, bitsRequested: 32, bitsFree: 0, holders: [1] });
    expect(map.claimOf(2, 'w')).toBeUndefined();
    expect(Array.from(map.bitsUsed('w'))).toEqual([0, 32, 0, 0]);
  });
});

describe('OwnershipMap: WSN (own masks reuse earlier weights)', () => {
  it('lets task 2 reuse frozen weights of task 1 through its own mask', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [6] }]);
    map.claim(1, 'w', [1, 1, 1, 0, 0, 0], 32);
    map.setTaskMask(1, 'w', [1, 1, 1, 0, 0, 0]);
    // Task 2's top-c mask: two of task 1's weights and two free ones.
    const mask2 = BitMask.fromDense([0, 1, 1, 1, 1, 0]);
    const fresh = mask2.and(map.trainable(2, 'w', 32));
    map.claim(2, 'w', fresh, 32);
    map.setTaskMask(2, 'w', mask2);
    expect(bits(map.visible(2, 'w', 'own-mask'))).toEqual([0, 1, 1, 1, 1, 0]);
    expect(bits(map.visible(1, 'w', 'own-mask'))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(bits(map.visible(2, 'w', 'nested'))).toEqual([1, 1, 1, 1, 1, 0]);
    expect(Array.from(map.ownersVisibleTo(2, 'w', 'own-mask'))).toEqual([0, 1, 1, 2, 2, 0]);
    // A mask may not select a weight that is still free: it could change later.
    expect(() => map.setTaskMask(3, 'w', [0, 0, 0, 0, 0, 1])).toThrow(MaskOwnershipError);
    // A mask of task 1 may not use task 2's weights either (they are not <= 1).
    expect(() => map.setTaskMask(1, 'w', [0, 0, 0, 1, 0, 0])).toThrow(/no task <= 1/);
    // Task 1 cannot be released while task 2's mask uses its weights.
    expect(() => map.releaseTask(1)).toThrow(ReleaseBlockedError);
    expect(map.claimOf(1, 'w')?.slots.popcount()).toBe(3);
    map.releaseTask(2);
    expect(map.taskIds()).toEqual([1]);
    map.releaseTask(1);
    expect(map.taskIds()).toEqual([]);
    expect(Array.from(map.bitsUsed('w'))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('OwnershipMap: Ada-QPacknet (low-bit codes share slots)', () => {
  it('stacks 8-, 4- and 16-bit codes in one slot and refuses a fourth that does not fit', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [3] }]);
    map.claim(1, 'w', [1, 1, 0], 8);
    expect(bits(map.trainable(2, 'w', 8))).toEqual([1, 1, 1]);
    expect(bits(map.trainable(1, 'w', 8))).toEqual([0, 0, 1]);
    map.claim(2, 'w', [1, 0, 1], 4);
    map.claim(3, 'w', [1, 1, 1], 16);
    expect(Array.from(map.bitsUsed('w'))).toEqual([28, 24, 20]);
    expect(map.claimOf(1, 'w')!.offsets).toEqual(Uint8Array.from([0, 0]));
    expect(map.claimOf(2, 'w')!.offsets).toEqual(Uint8Array.from([8, 0]));
    expect(map.claimOf(3, 'w')!.offsets).toEqual(Uint8Array.from([12, 8, 4]));
    expect(bits(map.trainable(4, 'w', 8))).toEqual([0, 1, 1]);
    expect(() => map.claim(4, 'w', [1, 0, 0], 8)).toThrow(CapacityConflictError);
    expect(() => map.claim(4, 'w', [1, 0, 0], 8)).toThrow(/only 4 of 32 bit\(s\) free \(held by task\(s\) 1, 2, 3\)/);
    map.claim(4, 'w', [1, 0, 0], 4);
    expect(map.bitsUsed('w')[0]).toBe(32);
    expect(Array.from(map.owners('w'))).toEqual([1, 1, 2]);
    expect(Array.from(map.ownersVisibleTo(2, 'w', 'nested'))).toEqual([2, 1, 2]);
    expect(Array.from(map.ownersVisibleTo(4, 'w', 'nested'))).toEqual([4, 3, 3]);
    expect(map.capacity('w').fullSlots).toBe(1);
  });

  it('stacks ranges by task id whatever the claim order, and closes the gap a released task leaves', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [1] }]);
    map.claim(3, 'w', [1], 2);
    map.claim(1, 'w', [1], 4);
    map.claim(2, 'w', [1], 8);
    expect([1, 2, 3].map((t) => map.claimOf(t, 'w')!.offsets[0])).toEqual([0, 4, 12]);
    map.releaseTask(1);
    expect([2, 3].map((t) => map.claimOf(t, 'w')!.offsets[0])).toEqual([0, 8]);
    expect(map.bitsUsed('w')[0]).toBe(10);
    map.claim(4, 'w', [1], 16);
    expect(map.claimOf(4, 'w')!.offsets[0]).toBe(10);
    expect(() => map.claim(5, 'w', [1], 8)).toThrow(/only 6 of 32/);
  });

  it('refuses a second claim of the same slot by one task, or at another width', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [2] }]);
    map.claim(1, 'w', [1, 0], 4);
    expect(() => map.claim(1, 'w', [1, 0], 4)).toThrow(/already holds/);
    expect(() => map.claim(1, 'w', [0, 1], 8)).toThrow(/already claims w at 4 bits/);
    map.claim(1, 'w', [0, 1], 4);
    expect(map.claimOf(1, 'w')!.slots.popcount()).toBe(2);
  });

  it('clones deeply', () => {
    const map = new OwnershipMap([{ name: 'w', shape: [2] }]);
    map.claim(1, 'w', [1, 1], 4);
    map.setTaskMask(1, 'w', [1, 0]);
    const copy = map.clone();
    map.claim(2, 'w', [1, 0], 4);
    expect(copy.claimOf(2, 'w')).toBeUndefined();
    expect(Array.from(copy.bitsUsed('w'))).toEqual([4, 4]);
    expect(copy.taskMask(1, 'w')!.get(0)).toBe(true);
  });
});

describe('OwnershipMap: arguments', () => {
  it('refuses unknown tensors, bad task ids, bad widths and wrong mask lengths', () => {
    const map = new OwnershipMap([{ name: 'a', shape: [2, 2] }, { name: 'b', shape: [3] }]);
    expect(map.size('a')).toBe(4);
    expect(() => map.trainable(1, 'c', 32)).toThrow(/tensor/);
    expect(() => map.claim(0, 'a', [1, 0, 0, 0], 32)).toThrow(/taskId/);
    expect(() => map.claim(65536, 'a', [1, 0, 0, 0], 32)).toThrow(/taskId/);
    expect(() => map.claim(1, 'a', [1, 0, 0, 0], 33)).toThrow(/bits/);
    expect(() => map.claim(1, 'a', [1, 0, 0], 32)).toThrow(/slots.length/);
    expect(() => map.visible(1, 'a', 'other' as 'nested')).toThrow(/mode/);
    expect(() => new OwnershipMap([{ name: 'a', shape: [1] }, { name: 'a', shape: [2] }])).toThrow(/not used/);
    expect(() => new OwnershipMap([{ name: 'a', shape: [1.5] }])).toThrow(/shape/);
    map.claim(65535, 'b', [1, 1, 1], 1);
    expect(map.owners('b')[0]).toBe(65535);
  });
});
