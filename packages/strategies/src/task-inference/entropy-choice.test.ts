import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseTasks, rowArgmax, softmaxEntropies } from './entropy-choice.js';

describe('softmaxEntropies', () => {
  it('worked examples: uniform rows have entropy ln k; confident rows ~0; -Infinity classes drop out', () => {
    const h = softmaxEntropies(Float32Array.from([0, 0, 0, 50, -50, 0, 3, -Infinity, 3]), 3);
    expect(h[0]).toBeCloseTo(Math.log(3), 6);
    expect(h[1]).toBeLessThan(1e-6);
    expect(h[2]).toBeCloseTo(Math.log(2), 6);
    expect(() => softmaxEntropies(Float32Array.from([0, NaN]), 2)).toThrow(/NaN/);
    expect(() => softmaxEntropies(Float32Array.from([0, 1, 2]), 2)).toThrow(/multiple/);
  });

  it('lies in [0, ln k], is shift-invariant, and is finite for huge logits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((k) => fc.tuple(fc.constant(k), fc.array(fc.float({ min: Math.fround(-1e30), max: Math.fround(1e30), noNaN: true }), { minLength: k, maxLength: k }), fc.float({ min: -50, max: 50, noNaN: true }))), ([k, row, shift]) => {
        const h = softmaxEntropies(Float32Array.from(row), k)[0] as number;
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThanOrEqual(Math.log(k) + 1e-6);
        if (row.every((v) => Math.abs(v) < 1e3)) {
          const shifted = softmaxEntropies(Float32Array.from(row, (v) => v + shift), k)[0] as number;
          expect(shifted).toBeCloseTo(h, 3);
        }
      }),
    );
  });
});

describe('chooseTasks', () => {
  it('per sample: lowest entropy per row; per batch: lowest mean for every row; ties to the lower task', () => {
    const e = [Float32Array.from([0.1, 0.9, 0.5]), Float32Array.from([0.2, 0.1, 0.5]), Float32Array.from([0.3, 0.3, 0.6])];
    expect(Array.from(chooseTasks(e, 'sample'))).toEqual([0, 1, 0]);
    expect(Array.from(chooseTasks(e, 'batch'))).toEqual([1, 1, 1]);
    expect(() => chooseTasks([], 'sample')).toThrow(/at least one task/);
    expect(() => chooseTasks(e, 'task' as never)).toThrow(/mode/);
  });

  it('the chosen task minimises the row entropy (sample) or the mean (batch)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 12 }), fc.infiniteStream(fc.float({ min: 0, max: 3, noNaN: true })), (tasks, rows, values) => {
        const it = values[Symbol.iterator]();
        const e = Array.from({ length: tasks }, () => Float32Array.from({ length: rows }, () => it.next().value as number));
        const perSample = chooseTasks(e, 'sample');
        perSample.forEach((k, r) => {
          for (const other of e) expect((e[k] as Float32Array)[r] as number).toBeLessThanOrEqual(other[r] as number);
        });
        const perBatch = chooseTasks(e, 'batch');
        const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
        expect(new Set(perBatch).size).toBeLessThanOrEqual(1);
        if (rows > 0) for (const other of e) expect(mean(e[perBatch[0] as number] as Float32Array)).toBeLessThanOrEqual(mean(other) + 1e-12);
      }),
    );
  });
});

describe('rowArgmax', () => {
  it('takes the first maximum of each row', () => {
    expect(Array.from(rowArgmax(Float32Array.from([1, 3, 3, 0, -1, -2]), 3))).toEqual([1, 0]);
  });
});
