import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceScores, selectInstances } from './instance-scores.js';

describe('instanceScores', () => {
  it('loss is the cross-entropy; el2n the distance of softmax to the one-hot label', () => {
    const logits = Float32Array.from([0, 0, Math.log(3), 0]);
    const labels = Int32Array.from([1, 0]);
    const loss = instanceScores(logits, labels, 2, 'loss');
    expect(loss[0]).toBeCloseTo(Math.log(2), 6);
    expect(loss[1]).toBeCloseTo(-Math.log(0.75), 6);
    const el2n = instanceScores(logits, labels, 2, 'el2n');
    expect(el2n[0]).toBeCloseTo(Math.SQRT2 * 0.5, 6);
    expect(el2n[1]).toBeCloseTo(Math.SQRT2 * 0.25, 6);
    expect(() => instanceScores(logits, Int32Array.from([2, 0]), 2, 'loss')).toThrow(/labels\[0\]/);
    expect(() => instanceScores(logits, labels, 3, 'loss')).toThrow(/logits.length/);
  });

  it('is stable for huge logits and ranks the same way under both criteria for two classes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.float({ min: -1e4, max: 1e4, noNaN: true }), fc.float({ min: -1e4, max: 1e4, noNaN: true }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 20 }), (rows) => {
        const logits = Float32Array.from(rows.flatMap(([a, b]) => [a, b]));
        const labels = Int32Array.from(rows.map(([, , y]) => y));
        const loss = instanceScores(logits, labels, 2, 'loss');
        const el2n = instanceScores(logits, labels, 2, 'el2n');
        for (let i = 0; i < rows.length; i++) {
          expect(Number.isFinite(loss[i])).toBe(true);
          expect(loss[i]).toBeGreaterThanOrEqual(0);
          expect(el2n[i]).toBeGreaterThanOrEqual(0);
          expect(el2n[i]).toBeLessThanOrEqual(Math.SQRT2 + 1e-6);
          for (let j = 0; j < rows.length; j++) if ((loss[i] as number) > (loss[j] as number) + 1e-3) expect(el2n[i]).toBeGreaterThanOrEqual((el2n[j] as number) - 1e-6);
        }
      }),
    );
  });
});

describe('selectInstances', () => {
  it('keeps the highest scores, per class in proportion to its count', () => {
    const scores = Float32Array.from([5, 1, 9, 3, 7, 2, 8, 4]);
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(selectInstances(scores, labels, 0.5, false))).toEqual([0, 2, 4, 6]);
    expect(Array.from(selectInstances(scores, labels, 0.25, true))).toEqual([2, 6]);
    expect(Array.from(selectInstances(scores, labels, 0.01, true))).toEqual([2]);
    expect(() => selectInstances(scores, labels, 0, true)).toThrow(/fraction/);
  });

  it('selects round(f n) distinct sorted indices; balanced quotas differ from the class share by < 1; each class keeps its top scores', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.float({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.boolean(),
        (rows, fraction, balanced) => {
          const scores = Float32Array.from(rows.map(([s]) => s));
          const labels = Int32Array.from(rows.map(([, y]) => y));
          const picked = selectInstances(scores, labels, fraction, balanced);
          const n = rows.length;
          const total = Math.max(1, Math.round(fraction * n));
          expect(picked.length).toBe(total);
          for (let i = 1; i < picked.length; i++) expect(picked[i] as number).toBeGreaterThan(picked[i - 1] as number);
          const chosen = new Set(picked);
          for (const c of [0, 1, 2, 3]) {
            const members = [...labels.keys()].filter((i) => labels[i] === c);
            const inClass = members.filter((i) => chosen.has(i));
            if (balanced) expect(Math.abs(inClass.length - (total * members.length) / n)).toBeLessThan(1);
            // Within a class (balanced) or overall, no left-out sample beats a kept one.
            const pool = balanced ? members : [...labels.keys()];
            const keptMin = Math.min(...pool.filter((i) => chosen.has(i)).map((i) => scores[i] as number));
            for (const i of pool) if (!chosen.has(i)) expect(scores[i] as number).toBeLessThanOrEqual(keptMin);
          }
        },
      ),
    );
  });
});
