import { BitMask, OwnershipMap, packCodes } from '@retain/masks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownershipWithHeads, splitHeadQuantization } from './head-quantization.js';
import type { StoredWeights } from './quantized-record.js';
import type { QuantizedTask } from './task-quantization.js';

function codebookEntry(tensor: string, bits: number, count: number): StoredWeights {
  return { tensor, scheme: 'codebook', codebook: new Float32Array(2 ** bits), codes: { bits, count, words: packCodes(new Uint16Array(count), bits) } };
}

describe('ownershipWithHeads', () => {
  it('worked example: the kernels\' claims and masks are kept, each quantised head is claimed whole at its entry\'s width', () => {
    const ownership = new OwnershipMap([{ name: 'k', shape: [2, 3] }]);
    ownership.claim(1, 'k', [1, 1, 0, 0, 1, 0], 4);
    ownership.claim(2, 'k', [1, 0, 1, 0, 0, 0], 5);
    ownership.setTaskMask(2, 'k', [1, 0, 0, 0, 0, 0]);
    const tasks = [
      { ownerId: 2, entries: new Map([['h2', codebookEntry('h2', 5, 4)]]) },
      { ownerId: 1, entries: new Map([['h1', codebookEntry('h1', 4, 4)]]) },
    ];
    const out = ownershipWithHeads(ownership, [{ name: 'h1', shape: [2, 2] }, { name: 'h2', shape: [2, 2] }], tasks);
    expect(out.tensors.map((t) => t.name)).toEqual(['k', 'h1', 'h2']);
    for (const id of [1, 2]) expect(out.claimOf(id, 'k')).toEqual(ownership.claimOf(id, 'k'));
    expect(out.taskMask(2, 'k')?.equals(BitMask.fromDense([1, 0, 0, 0, 0, 0]))).toBe(true);
    expect(out.claimOf(1, 'h1')).toMatchObject({ bits: 4 });
    expect(out.claimOf(1, 'h1')?.slots.popcount()).toBe(4);
    expect(out.claimOf(2, 'h2')?.slots.popcount()).toBe(4);
    expect(out.claimOf(2, 'h1')).toBeUndefined();
    expect([...out.bitsUsed('h2')]).toEqual([5, 5, 5, 5]);
    // The source map is untouched.
    expect(ownership.tensors).toHaveLength(1);
  });

  it('property: every claim of the source map survives with the same slots, width and offsets; no heads gives an equal copy', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 3 }), (claims) => {
        const ownership = new OwnershipMap([{ name: 'k', shape: [8] }]);
        claims.forEach(([slots, bits], t) => ownership.claim(t + 1, 'k', slots.map(Number), bits));
        for (const heads of [[], [{ name: 'h', shape: [3] }]]) {
          const out = ownershipWithHeads(ownership, heads, [{ ownerId: 1, entries: new Map([['h', codebookEntry('h', 2, 3)]]) }]);
          for (const id of ownership.taskIds()) expect(out.claimOf(id, 'k')).toEqual(ownership.claimOf(id, 'k'));
          expect([...out.bitsUsed('k')]).toEqual([...ownership.bitsUsed('k')]);
          expect(out.tensors).toHaveLength(1 + heads.length);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('splitHeadQuantization', () => {
  it('separates the head kernels\' entries and values from the shared kernels\'', () => {
    const values = (n: number) => new Float32Array(n).fill(n);
    const q: QuantizedTask = {
      bits: 2,
      entries: new Map([['k', codebookEntry('k', 2, 3)], ['head/task0/kernel', codebookEntry('head/task0/kernel', 2, 4)]]),
      restored: new Map([['k', values(3)], ['head/task0/kernel', values(4)]]),
      floatAccuracy: 1,
      quantizedAccuracy: 1,
      withinThreshold: true,
      trace: undefined,
    };
    const split = splitHeadQuantization(q, [{ name: 'head/task0/kernel' }] as never);
    expect([...split.kernelEntries.keys()]).toEqual(['k']);
    expect([...split.kernelRestored.keys()]).toEqual(['k']);
    expect([...split.headEntries.keys()]).toEqual(['head/task0/kernel']);
    expect(split.headRestored.get('head/task0/kernel')).toEqual(values(4));
  });
});
