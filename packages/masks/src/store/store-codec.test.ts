import fc from 'fast-check';
import { Rng } from '@retain/core';
import { describe, expect, it } from 'vitest';
import { BitMask } from '../bits/bit-mask.js';
import { packCodes } from '../bits/code-packing.js';
import { StoreChecksumError, StoreCorruptError, StoreMagicError, StoreTruncatedError, StoreVersionError } from '../errors/store-errors.js';
import { describeStore, exampleStore } from '../testing/example-store.js';
import { reseal, sectionPayloadOffset } from '../testing/reseal.js';
import { analyseStore, decodeStore } from './decode-store.js';
import { encodeStore } from './encode-store.js';
import { PREAMBLE_BYTES, SectionType, STORE_MAGIC } from './store-format.js';
import { SubnetworkStore } from './store-model.js';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('encodeStore / decodeStore', () => {
  it('round-trips a store with float, codebook and linear weights, masks, heads, batch-norm, metadata', () => {
    const store = exampleStore();
    const bytes = encodeStore(store);
    expect(Array.from(bytes.subarray(0, 8))).toEqual(Array.from(STORE_MAGIC));
    const decoded = decodeStore(bytes);
    expect(describeStore(decoded)).toEqual(describeStore(store));
    expect(decoded.taskIds()).toEqual([1, 2, 3, 4]);
    // Canonical and deterministic: encoding again gives the same bytes.
    expect(encodeStore(decoded)).toEqual(bytes);
    expect(encodeStore(exampleStore())).toEqual(bytes);
    // Ownership is rebuilt exactly, so capacity queries agree.
    for (const t of store.tensors) {
      expect(Array.from(decoded.ownership.bitsUsed(t.name))).toEqual(Array.from(store.ownership.bitsUsed(t.name)));
      expect(decoded.ownership.visible(3, t.name, 'own-mask').equals(store.ownership.visible(3, t.name, 'own-mask'))).toBe(true);
    }
  });

  it('round-trips random stores (property)', () => {
    const arbitraryStore = fc.record({
      shapes: fc.array(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
      claims: fc.array(fc.record({ task: fc.integer({ min: 1, max: 5 }), tensor: fc.nat(), bits: fc.constantFrom(1, 2, 3, 4, 7, 8, 16, 32), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 8 }),
      masks: fc.boolean(),
      coding: fc.constantFrom('auto', 'raw', 'range') as fc.Arbitrary<'auto' | 'raw' | 'range'>,
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(arbitraryStore, ({ shapes, claims, masks, coding, seed }) => {
        const rng = Rng.fromSeed(seed);
        const store = new SubnetworkStore({ architecture: { seed }, tensors: shapes.map((shape, i) => ({ name: `t${i}`, shape })) });
        for (const c of claims) {
          const name = `t${c.tensor % shapes.length}`;
          const existing = store.ownership.claimOf(c.task, name);
          if (existing !== undefined) continue;
          const slots = BitMask.empty(store.ownership.size(name));
          store.ownership.trainable(c.task, name, c.bits).forEachSet((i) => {
            if (rng.nextFloat() < c.fraction) slots.set(i, true);
          });
          store.ownership.claim(c.task, name, slots, c.bits);
          const n = slots.popcount();
          if (c.bits === 32) store.setQuantization(c.task, { tensor: name, scheme: 'float32', values: Float32Array.from({ length: n }, () => rng.nextNormal()) });
          else {
            const codes = Uint16Array.from({ length: n }, () => rng.nextInt(2 ** Math.min(c.bits, 16)));
            store.setQuantization(c.task, { tensor: name, scheme: 'codebook', codebook: Float32Array.from({ length: 2 ** Math.min(c.bits, 4) }, (_, k) => k), codes: { bits: Math.min(c.bits, 16), count: n, words: packCodes(codes.map((x) => x % 2 ** Math.min(c.bits, 4)), Math.min(c.bits, 16)) } });
          }
          if (masks) store.ownership.setTaskMask(c.task, name, store.ownership.visible(c.task, name, 'nested').and(BitMask.fromDense(Array.from({ length: slots.length }, () => rng.nextInt(2)))));
          store.setHeads(c.task, [{ name: 'head', shape: [2], values: Float32Array.of(c.task, -c.task) }]);
        }
        const bytes = encodeStore(store, { maskCoding: { coding } });
        const decoded = decodeStore(bytes);
        expect(describeStore(decoded)).toEqual(describeStore(store));
        expect(encodeStore(decoded, { maskCoding: { coding } })).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips a large store (sections of hundreds of kB)', () => {
    const rng = Rng.fromSeed(11);
    const store = new SubnetworkStore({ architecture: 'big', tensors: [{ name: 'w', shape: [300, 200] }] });
    for (const [taskId, bits] of [[1, 16], [2, 8], [3, 8]] as const) {
      const slots = BitMask.empty(60_000);
      store.ownership.trainable(taskId, 'w', bits).forEachSet((i) => {
        if (rng.nextFloat() < 0.6) slots.set(i, true);
      });
      store.ownership.claim(taskId, 'w', slots, bits);
      const n = slots.popcount();
      store.setQuantization(taskId, { tensor: 'w', scheme: 'codebook', codebook: new Float32Array(256), codes: { bits, count: n, words: packCodes(Uint8Array.from({ length: n }, () => rng.nextInt(256)), bits) } });
    }
    store.setShared([{ name: 'dense', shape: [300, 200], values: Float32Array.from({ length: 60_000 }, () => rng.nextNormal()) }]);
    const bytes = encodeStore(store);
    expect(bytes.length).toBeGreaterThan(300_000);
    expect(describeStore(decodeStore(bytes))).toEqual(describeStore(store));
  });

  it('measures every byte under exactly one component', () => {
    const store = exampleStore();
    const bytes = encodeStore(store);
    const { tally, bytesByTask, layout } = analyseStore(bytes);
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(bytes.length);
    // Codes: task 1 float32 values, task 2 and 3 packed words; computed from the store, compared with what was read.
    let codes = 0;
    let codebooks = 0;
    for (const taskId of store.taskIds()) {
      for (const q of store.task(taskId).quantization.values()) {
        if (q.scheme === 'float32') codes += q.values.length * 4;
        else codes += q.codes.words.length * 4;
        if (q.scheme === 'codebook') codebooks += q.codebook.length * 4;
        if (q.scheme === 'linear') codebooks += (q.scales.length + q.zeroPoints.length) * 4;
      }
    }
    expect(tally.get('codes')).toBe(codes);
    expect(tally.get('codebooks')).toBe(codebooks);
    expect(tally.get('heads')).toBe(3 * 18 * 4);
    expect(tally.get('batchNorm')).toBe(3 * 32 * 4);
    expect(tally.get('shared')).toBe(16 * 4);
    expect(tally.get('masks')).toBeGreaterThan(0);
    expect(tally.get('ownership')).toBeGreaterThan(0);
    const sectionsTotal = [...bytesByTask.values()].reduce((a, b) => a + b, 0);
    expect(sectionsTotal).toBe(layout.totalLength - layout.dataStart - 32);
    expect(bytesByTask.has(4)).toBe(false); // listed, no sections
  });
});

describe('decodeStore errors (in memory)', () => {
  const bytes = encodeStore(exampleStore());

  it('names <memory> and the part at fault', () => {
    const e = caught(() => decodeStore(bytes.subarray(0, 20)));
    expect(e).toBeInstanceOf(StoreTruncatedError);
    expect(e).toMatchObject({ path: '<memory>', section: 'preamble', code: 'ERR_STORE_TRUNCATED' });
    expect(caught(() => decodeStore(new TextEncoder().encode('{"not": "a store"}')))).toBeInstanceOf(StoreMagicError);
    expect(caught(() => decodeStore(new Uint8Array(0)))).toBeInstanceOf(StoreTruncatedError);
    const v3 = bytes.slice();
    v3[8] = 3;
    expect(caught(() => decodeStore(v3))).toMatchObject({ found: 3, supported: [1, 2], section: 'preamble' });
    expect(caught(() => decodeStore(v3))).toBeInstanceOf(StoreVersionError);
  });

  it('detects a bit flip in every section and names it', () => {
    const { layout } = analyseStore(bytes);
    for (const entry of layout.sections) {
      const flipped = bytes.slice();
      const at = entry.offset + Math.floor(entry.length / 2);
      flipped[at] = flipped[at]! ^ 0x10;
      const e = caught(() => decodeStore(flipped, { path: 'x.rtn' }));
      expect(e).toBeInstanceOf(StoreChecksumError);
      expect(e).toMatchObject({ path: 'x.rtn', section: entry.label, algorithm: 'crc32' });
    }
  });

  it('catches structural damage that carries valid checksums (crafted files)', () => {
    // Version 1, where every claim is self-contained, so a widened claim decodes and then conflicts.
    const v1 = encodeStore(exampleStore(), { formatVersion: 1 });
    const { layout } = analyseStore(v1);
    // Task 2's claims widened from 4 to 16 bits: where task 1 holds 24 bits, 40 > 32 bits would be used.
    const claims2 = layout.sections.find((s) => s.type === SectionType.Claims && s.taskId === 2)!;
    const crafted = v1.slice();
    const bitsAt = sectionPayloadOffset(crafted, claims2.index) + 4 + 4; // entry count, tensor index
    expect(crafted[bitsAt]).toBe(4);
    crafted[bitsAt] = 16;
    const e = caught(() => decodeStore(reseal(crafted)));
    expect(e).toBeInstanceOf(StoreCorruptError);
    expect((e as StoreCorruptError).section).toBe(claims2.label);
    expect((e as StoreCorruptError).message).toMatch(/task 2 cannot claim 16 bit\(s\) of dense_1\/kernel\[\d+\]: only 8 of 32 bit\(s\) free/);
    // Version 2: the same widening makes the candidate-coded claim the wrong length for 16-bit candidates.
    const v2Layout = analyseStore(bytes).layout;
    const claims2v2 = v2Layout.sections.find((s) => s.type === SectionType.Claims && s.taskId === 2)!;
    const widened = bytes.slice();
    const at2 = sectionPayloadOffset(widened, claims2v2.index) + 4 + 4;
    expect(widened[at2]).toBe(4);
    widened[at2] = 16;
    expect(caught(() => decodeStore(reseal(widened)))).toMatchObject({ code: 'ERR_STORE_CORRUPT', section: claims2v2.label });
    // An unknown claim coding (the byte after the width).
    const unknown = bytes.slice();
    unknown[at2 + 1] = 9;
    const u = caught(() => decodeStore(reseal(unknown)));
    expect(u).toMatchObject({ code: 'ERR_STORE_CORRUPT', section: claims2v2.label });
    expect((u as Error).message).toMatch(/unknown claim coding 9/);
    // A metadata payload that is not JSON.
    const meta = layout.sections.find((s) => s.type === SectionType.Metadata && s.taskId === 1)!;
    const badJson = bytes.slice();
    badJson[sectionPayloadOffset(badJson, meta.index)] = 0x7d; // '}'
    expect(caught(() => decodeStore(reseal(badJson)))).toMatchObject({ code: 'ERR_STORE_CORRUPT', section: meta.label });
    // Bytes appended after the trailer.
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(caught(() => decodeStore(longer))).toMatchObject({ code: 'ERR_STORE_CORRUPT', section: 'trailer' });
    // Flags set in the preamble.
    const flagged = bytes.slice();
    flagged[10] = 1;
    expect(caught(() => decodeStore(reseal(flagged)))).toMatchObject({ code: 'ERR_STORE_CORRUPT', section: 'preamble' });
    expect(PREAMBLE_BYTES).toBe(32);
  });
});
