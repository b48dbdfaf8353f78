import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainedCount, type AccuracyTable } from './accuracy-table.js';
import { averageAccuracy, averageAccuracyAfterEach } from './average-accuracy.js';
import { backwardTransfer } from './backward-transfer.js';
import { averageForgetting, forgettingAt, forgettingPerExperience } from './forgetting.js';
import { forwardTransfer, singleTaskForwardTransfer } from './forward-transfer.js';

// A paper-style matrix, worked by hand. Rows: after training experience i;
// columns: evaluated on experience j. Cells above the diagonal were measured
// before experience j was trained (for FWT).
const R = [
  [0.9, 0.1, 0.2],
  [0.95, 0.85, 0.3],
  [0.7, 0.75, 0.95],
];

describe('worked example (3 experiences)', () => {
  it('ACC is the mean of the last row: (0.70 + 0.75 + 0.95) / 3 = 0.80', () => {
    expect(averageAccuracy(R)).toBeCloseTo(0.8, 12);
  });

  it('ACC after each experience: 0.90, (0.95 + 0.85) / 2 = 0.90, 0.80', () => {
    const after = averageAccuracyAfterEach(R);
    expect(after).toHaveLength(3);
    expect(after[0]).toBeCloseTo(0.9, 12);
    expect(after[1]).toBeCloseTo(0.9, 12);
    expect(after[2]).toBeCloseTo(0.8, 12);
  });

  it('BWT = ((0.70 - 0.90) + (0.75 - 0.85)) / 2 = -0.15', () => {
    expect(backwardTransfer(R)).toBeCloseTo(-0.15, 12);
  });

  it('forgetting uses the best earlier accuracy: f0 = 0.95 - 0.70, f1 = 0.85 - 0.75, mean 0.175', () => {
    const forgetting = forgettingPerExperience(R);
    expect(forgetting).toHaveLength(2);
    expect(forgetting[0]).toBeCloseTo(0.25, 12);
    expect(forgetting[1]).toBeCloseTo(0.1, 12);
    expect(averageForgetting(R)).toBeCloseTo(0.175, 12);
  });

  it('FWT vs random init b = 0.1: ((0.1 - 0.1) + (0.3 - 0.1)) / 2 = 0.1', () => {
    expect(forwardTransfer(R, [0.1, 0.1, 0.1])).toBeCloseTo(0.1, 12);
  });

  it('FWT vs single-task s = [0.92, 0.80, 0.90]: (-0.02 + 0.05 + 0.05) / 3', () => {
    expect(singleTaskForwardTransfer(R, [0.92, 0.8, 0.9])).toBeCloseTo(0.08 / 3, 12);
  });

  it('skips references that are missing', () => {
    expect(forwardTransfer(R, [0.1, null, 0.1])).toBeCloseTo(0.2, 12);
    expect(forwardTransfer(R, [])).toBeUndefined();
  });
});

describe('partially filled matrices', () => {
  const partial: AccuracyTable = [
    [0.9, 0.1, undefined],
    [0.95, 0.85, Number.NaN],
    [undefined, null, undefined],
  ];

  it('treats the last row with a value as the last trained experience', () => {
    expect(trainedCount(partial)).toBe(2);
    expect(averageAccuracy(partial)).toBeCloseTo(0.9, 12);
    expect(backwardTransfer(partial)).toBeCloseTo(0.05, 12);
    // Forgetting can be negative (the accuracy went up).
    expect(forgettingPerExperience(partial)[0]).toBeCloseTo(-0.05, 12);
  });

  it('skips cells not evaluated inside a row', () => {
    expect(averageAccuracy([[0.5], [Number.NaN, 0.7]])).toBeCloseTo(0.7, 12);
  });

  it('gives undefined for an empty table and for BWT/forgetting before a second experience', () => {
    expect(averageAccuracy([])).toBeUndefined();
    expect(averageAccuracy([[undefined]])).toBeUndefined();
    expect(backwardTransfer([[0.8]])).toBeUndefined();
    expect(averageForgetting([[0.8]])).toBeUndefined();
    expect(forgettingPerExperience([[0.8]])).toEqual([]);
    expect(forwardTransfer([[0.8]], [0.1])).toBeUndefined();
  });

  it('forgettingAt is undefined for a column not trained yet or a missing cell', () => {
    expect(forgettingAt(R, 1, 2)).toBeUndefined();
    expect(forgettingAt([[0.9], [undefined]], 1, 0)).toBeUndefined();
  });
});

/** A square table of accuracies in [0, 1] with 1..6 experiences, all trained. */
const fullTable = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }));

describe('properties', () => {
  it('ACC lies between the smallest and largest accuracy of the last row (so in [0, 1])', () => {
    fc.assert(
      fc.property(fullTable, (table) => {
        const last = table[table.length - 1]!;
        const acc = averageAccuracy(table)!;
        expect(acc).toBeGreaterThanOrEqual(Math.min(...last) - 1e-12);
        expect(acc).toBeLessThanOrEqual(Math.max(...last) + 1e-12);
        expect(averageAccuracyAfterEach(table).at(-1)).toBe(acc);
      }),
    );
  });

  it('BWT = 0 and forgetting = 0 when every column is constant from its diagonal down', () => {
    fc.assert(
      fc.property(fullTable, (table) => {
        const frozen = table.map((row, i) => row.map((value, j) => (i >= j ? table[j]![j]! : value)));
        if (frozen.length >= 2) {
          expect(backwardTransfer(frozen)).toBe(0);
          expect(averageForgetting(frozen)).toBe(0);
          for (const f of forgettingPerExperience(frozen)) expect(f).toBe(0);
        }
      }),
    );
  });

  it('average forgetting >= -BWT (the best earlier accuracy is at least the one just after training)', () => {
    fc.assert(
      fc.property(fullTable, (table) => {
        if (table.length < 2) return;
        expect(averageForgetting(table)!).toBeGreaterThanOrEqual(-backwardTransfer(table)! - 1e-12);
      }),
    );
  });

  it('ACC, BWT and forgetting ignore the cells above the diagonal', () => {
    fc.assert(
      fc.property(fullTable, fc.double({ min: 0, max: 1, noNaN: true }), (table, filler) => {
        const upper = table.map((row, i) => row.map((value, j) => (j > i ? filler : value)));
        expect(averageAccuracy(upper)).toBe(averageAccuracy(table));
        expect(backwardTransfer(upper)).toBe(backwardTransfer(table));
        expect(forgettingPerExperience(upper)).toEqual(forgettingPerExperience(table));
      }),
    );
  });

  it('ACC is invariant to permuting the seen columns of the last row', () => {
    fc.assert(
      fc.property(fullTable, fc.integer(), (table, salt) => {
        const last = [...table[table.length - 1]!];
        const rotated = last.map((_, j) => last[(j + Math.abs(salt)) % last.length]!);
        const permuted = [...table.slice(0, -1), rotated];
        expect(averageAccuracy(permuted)).toBeCloseTo(averageAccuracy(table)!, 12);
      }),
    );
  });

  it('adding a constant to every cell shifts ACC by it and leaves BWT and forgetting unchanged', () => {
    fc.assert(
      fc.property(fullTable, fc.double({ min: -0.5, max: 0.5, noNaN: true }), (table, shift) => {
        const shifted = table.map((row) => row.map((value) => value + shift));
        expect(averageAccuracy(shifted)).toBeCloseTo(averageAccuracy(table)! + shift, 9);
        if (table.length >= 2) {
          expect(backwardTransfer(shifted)).toBeCloseTo(backwardTransfer(table)!, 9);
          expect(averageForgetting(shifted)).toBeCloseTo(averageForgetting(table)!, 9);
        }
      }),
    );
  });

  it('FWT against the matrix own above-diagonal cells is 0', () => {
    fc.assert(
      fc.property(fullTable, (table) => {
        const reference = table.map((_, j) => (j === 0 ? 0 : table[j - 1]![j]!));
        const fwt = forwardTransfer(table, reference);
        if (table.length >= 2) expect(fwt).toBe(0);
        else expect(fwt).toBeUndefined();
      }),
    );
  });
});
