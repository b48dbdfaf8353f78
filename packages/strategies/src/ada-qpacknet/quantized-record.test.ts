import { BitMask, OwnershipMap, SubnetworkStore, decodeStore, encodeStore } from '@retain/masks';
import { dequantizeCodes, quantizeWeights } from '@retain/quantization';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleWeights, type OwnedValues } from './effective-weights.js';
import { entryBits, quantizeSlots, restoreValues } from './quantized-record.js';

const weightsArb = fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 120 }).map((a) => Float32Array.from(a));

describe('quantized store records', () => {
  it('k-means: restores exactly the quantiser\'s centres, survives the store file (property)', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 1, max: 6 }), fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }), (w, bits, picks) => {
        const slots = BitMask.fromDense(Array.from(w, (_, i) => (picks[i] === true ? 1 : 0)));
        const entry = quantizeSlots('w', w, [w.length], slots, { method: 'kmeans', bits });
        if (slots.isEmpty()) {
          expect(entry).toBeUndefined();
          return;
        }
        if (entry === undefined) throw new Error('expected an entry');
        expect(entry.scheme).toBe('codebook');
        expect(entryBits(entry)).toBe(bits);
        const restored = restoreValues(entry, slots);
        const reference = dequantizeCodes(quantizeWeights(w, { method: 'kmeans', bits, mask: slots.toUint8Array() }));
        expect(restored).toEqual(reference);
        expect(new Set(restored).size).toBeLessThanOrEqual(2 ** bits);
        // Through the store file and back.
        const store = new SubnetworkStore({ architecture: null, tensors: [{ name: 'w', shape: [w.length] }] });
        store.ownership.claim(1, 'w', slots, bits);
        store.setQuantization(1, entry);
        const back = decodeStore(encodeStore(store)).task(1).quantization.get('w');
        if (back === undefined) throw new Error('entry lost');
        expect(restoreValues(back, slots)).toEqual(restored);
      }),
      { numRuns: 150 },
    );
  });

  it('linear: every kept value within half a step of the original, per tensor and per channel (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 8 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (rows, cols, bits, perChannel, seed) => {
        let s = seed;
        const next = (): number => {
          s = (s * 1103515245 + 12345) % 2147483648;
          return s / 2147483648;
        };
        const w = Float32Array.from({ length: rows * cols }, () => (next() - 0.5) * 3);
        const slots = BitMask.fromDense(Array.from(w, () => (next() < 0.6 ? 1 : 0)));
        const entry = quantizeSlots('w', w, [rows, cols], slots, { method: 'linear', bits, perChannel });
        if (entry === undefined) return;
        if (entry.scheme !== 'linear') throw new Error('expected a linear entry');
        expect(entry.scales.length).toBe(perChannel ? cols : 1);
        const restored = restoreValues(entry, slots);
        let k = 0;
        slots.forEachSet((i) => {
          const scale = entry.scales[i % entry.scales.length] ?? 0;
          expect(Math.abs((restored[k] ?? 0) - (w[i] ?? 0))).toBeLessThanOrEqual(scale / 2 + 1e-5);
          k++;
        });
      }),
      { numRuns: 150 },
    );
  });

  it('worked example: 2-bit k-means of four kept weights', () => {
    const w = Float32Array.of(0.1, -1, 5, 0.2, 9, -1.1);
    const slots = BitMask.fromDense([1, 1, 0, 1, 0, 1]);
    const entry = quantizeSlots('w', w, [6], slots, { method: 'kmeans', bits: 1 });
    if (entry?.scheme !== 'codebook') throw new Error('expected a codebook entry');
    expect(Array.from(entry.codebook)).toEqual([Math.fround(-1.05), Math.fround(0.15)]);
    expect(entry.codes.count).toBe(4);
    expect(Array.from(restoreValues(entry, slots))).toEqual([0.15, -1.05, 0.15, -1.05].map(Math.fround));
    expect(() => restoreValues(entry, BitMask.fromDense([1, 1, 1, 1, 1, 1]))).toThrow(/codes.count/);
  });
});

describe('assembleWeights', () => {
  it('each slot takes the latest owner <= t, as the ownership map\'s ownersVisibleTo says (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.record({ bits: fc.integer({ min: 1, max: 8 }), picks: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }) }), { minLength: 1, maxLength: 6 }),
        (size, tasks) => {
          const map = new OwnershipMap([{ name: 'w', shape: [size] }]);
          const owned: OwnedValues[] = [];
          tasks.forEach((task, k) => {
            const id = k + 1;
            const free = map.trainable(id, 'w', task.bits);
            const slots = BitMask.fromDense(Array.from({ length: size }, (_, i) => (task.picks[i] === true && free.get(i) ? 1 : 0)));
            map.claim(id, 'w', slots, task.bits);
            owned.push({ ownerId: id, slots, values: Float32Array.from({ length: slots.popcount() }, (_, j) => id * 1000 + j) });
          });
          for (let t = 1; t <= tasks.length; t++) {
            const weights = assembleWeights(size, [...owned].reverse(), t);
            const owners = map.ownersVisibleTo(t, 'w', 'nested');
            for (let i = 0; i < size; i++) {
              const o = owners[i] ?? 0;
              if (o === 0) {
                expect(weights[i]).toBe(0);
              } else {
                const rec = owned[o - 1] as OwnedValues;
                const position = rec.slots.indices().indexOf(i);
                expect(weights[i]).toBe(rec.values[position]);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses two entries of one task', () => {
    const a = { ownerId: 1, slots: BitMask.fromDense([1]), values: Float32Array.of(1) };
    expect(() => assembleWeights(1, [a, a], 1)).toThrow(/one entry per task/);
  });
});
