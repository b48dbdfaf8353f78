import fc from 'fast-check';
import { Rng } from '@retain/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BitMask } from '../bits/bit-mask.js';
import { describeStore, exampleStore } from '../testing/example-store.js';
import { analyseStore, decodeStore } from './decode-store.js';
import { encodeStore } from './encode-store.js';
import { measureStoreSize } from './size-accounting.js';
import { readTaskFromFile } from './store-file.js';
import { SectionType } from './store-format.js';
import { SubnetworkStore } from './store-model.js';

/** A store of random task sequences (Ada-QPacknet-like: random widths, later tasks partly reusing the previous task's slots). */
function randomStore(shapes: number[][], tasks: { bits: number; fraction: number; reuse: number }[], seed: number): SubnetworkStore {
  const rng = Rng.fromSeed(seed);
  const store = new SubnetworkStore({ architecture: { seed }, tensors: shapes.map((shape, i) => ({ name: `t${i}`, shape })) });
  const previous = new Map<string, BitMask>();
  tasks.forEach((task, k) => {
    const id = k + 1;
    store.addTask(id);
    for (const spec of store.tensors) {
      const before = previous.get(spec.name);
      const slots = BitMask.empty(store.ownership.size(spec.name));
      store.ownership.trainable(id, spec.name, task.bits).forEachSet((i) => {
        if (rng.nextFloat() < (before?.get(i) === true ? task.reuse : task.fraction)) slots.set(i, true);
      });
      store.ownership.claim(id, spec.name, slots, task.bits);
      previous.set(spec.name, slots);
    }
  });
  return store;
}

const arbitraryCase = fc.record({
  shapes: fc.array(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  tasks: fc.array(
    fc.record({ bits: fc.constantFrom(1, 2, 3, 4, 5, 8, 16, 32), fraction: fc.double({ min: 0, max: 1, noNaN: true }), reuse: fc.double({ min: 0, max: 1, noNaN: true }) }),
    { minLength: 1, maxLength: 7 },
  ),
  seed: fc.nat(),
});

function claimEntries(store: SubnetworkStore): number {
  return store.taskIds().reduce((n, t) => n + store.tensors.filter((s) => store.ownership.claimOf(t, s.name) !== undefined).length, 0);
}

describe('claims sections, format versions 1 and 2', () => {
  it('version 2 round-trips random task sequences exactly; its ownership bytes never exceed version 1, its total by at most 1 byte per claim (property)', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ shapes, tasks, seed }) => {
        const store = randomStore(shapes, tasks, seed);
        const v2 = encodeStore(store);
        const v1 = encodeStore(store, { formatVersion: 1 });
        expect(analyseStore(v2).layout.version).toBe(2);
        const back = decodeStore(v2);
        expect(describeStore(back)).toEqual(describeStore(store));
        expect(describeStore(decodeStore(v1))).toEqual(describeStore(store));
        for (const s of store.tensors) expect(Array.from(back.ownership.bitsUsed(s.name))).toEqual(Array.from(store.ownership.bitsUsed(s.name)));
        expect(encodeStore(back)).toEqual(v2); // canonical
        const a = measureStoreSize(v1);
        const b = measureStoreSize(v2);
        expect(b.ownership).toBeLessThanOrEqual(a.ownership);
        expect(b.totalBytes).toBeLessThanOrEqual(a.totalBytes + claimEntries(store));
      }),
      { numRuns: 60 },
    );
  });

  it('a version-1 file re-encoded as version 2 and back gives the version-1 bytes again', () => {
    const store = exampleStore();
    const v1 = encodeStore(store, { formatVersion: 1 });
    const v2 = encodeStore(decodeStore(v1));
    expect(v2[8]).toBe(2);
    expect(encodeStore(decodeStore(v2), { formatVersion: 1 })).toEqual(v1);
  });

  it('readTaskFromFile decodes every task of a sequentially coded file, reading only claims sections of lower tasks besides its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retain-masks-claims-'));
    try {
      const store = randomStore([[30, 20], [20, 5]], [2, 3, 2, 4, 2].map((bits) => ({ bits, fraction: 0.4, reuse: 0.8 })), 3);
      const bytes = encodeStore(store);
      const path = join(dir, 'seq.rtn');
      await writeFile(path, bytes);
      const { layout } = analyseStore(bytes);
      for (const t of store.taskIds()) {
        const loaded = await readTaskFromFile(path, t, { includeShared: false });
        for (const s of store.tensors) expect(loaded.claims.get(s.name)!.slots.equals(store.ownership.claimOf(t, s.name)!.slots)).toBe(true);
        const others = layout.sections.filter((e) => loaded.sectionsRead.includes(e.label) && e.taskId !== t);
        expect(others.every((e) => e.type === SectionType.Claims && e.taskId < t)).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a damaged lower claims section is reported by readTaskFromFile under that section', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retain-masks-claims-'));
    try {
      const store = randomStore([[16, 8]], [{ bits: 4, fraction: 0.5, reuse: 0.5 }, { bits: 4, fraction: 0.5, reuse: 0.5 }], 5);
      const bytes = encodeStore(store);
      const claims1 = analyseStore(bytes).layout.sections.find((e) => e.type === SectionType.Claims && e.taskId === 1)!;
      const flipped = bytes.slice();
      flipped[claims1.offset + claims1.length - 1] = (flipped[claims1.offset + claims1.length - 1] ?? 0) ^ 1;
      const path = join(dir, 'flip.rtn');
      await writeFile(path, flipped);
      await expect(readTaskFromFile(path, 2)).rejects.toMatchObject({ code: 'ERR_STORE_CHECKSUM', section: claims1.label });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
