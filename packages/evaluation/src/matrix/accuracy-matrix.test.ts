import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { describe, expect, it } from 'vitest';
import { DuplicateCellError, ResultsFormatError } from '../errors/evaluation-errors.js';
import { AccuracyMatrix } from './accuracy-matrix.js';

describe('AccuracyMatrix', () => {
  it('records counts and gives the accuracy table with undefined where not evaluated', () => {
    const matrix = new AccuracyMatrix(3);
    matrix.record(0, 0, 90, 100);
    matrix.record(1, 0, 80, 100);
    matrix.record(1, 1, 7, 8);
    expect(matrix.accuracy(1, 1)).toBe(0.875);
    expect(matrix.accuracy(2, 2)).toBeUndefined();
    expect(matrix.trainedCount()).toBe(2);
    expect(matrix.accuracyTable()).toEqual([
      [0.9, undefined, undefined],
      [0.8, 0.875, undefined],
      [undefined, undefined, undefined],
    ]);
    expect(matrix.taskInferenceTable()).toBeUndefined();
  });

  it('keeps task-inference counts when given', () => {
    const matrix = new AccuracyMatrix(2);
    matrix.record(0, 0, 9, 10, 10);
    matrix.record(1, 0, 5, 10, 6);
    matrix.record(1, 1, 8, 10);
    expect(matrix.taskInferenceTable()).toEqual([
      [1, undefined],
      [0.6, undefined],
    ]);
  });

  it('refuses duplicate cells, indices out of range and impossible counts', () => {
    const matrix = new AccuracyMatrix(2);
    matrix.record(0, 0, 1, 2);
    expect(() => matrix.record(0, 0, 1, 2)).toThrow(DuplicateCellError);
    expect(() => matrix.record(2, 0, 1, 2)).toThrow(/trained: expected an integer in \[0, 1\]/);
    expect(() => matrix.record(0, -1, 1, 2)).toThrow(InvalidArgumentError);
    expect(() => matrix.record(0, 1, 3, 2)).toThrow(/correct/);
    expect(() => matrix.record(0, 1, 0, 0)).toThrow(/total/);
    expect(() => matrix.record(0, 1, 1, 2, 3)).toThrow(/taskInferenceCorrect/);
    expect(() => new AccuracyMatrix(0)).toThrow(/experiences/);
  });

  it('round-trips through JSON (cells in row-major order, whatever the recording order)', () => {
    const cellsArbitrary = fc.integer({ min: 1, max: 5 }).chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.uniqueArray(
          fc.record({
            trained: fc.integer({ min: 0, max: n - 1 }),
            evaluated: fc.integer({ min: 0, max: n - 1 }),
            total: fc.integer({ min: 1, max: 10_000 }),
            ratio: fc.double({ min: 0, max: 1, noNaN: true }),
            inference: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
          }),
          { selector: (cell) => `${cell.trained},${cell.evaluated}` },
        ),
      ),
    );
    fc.assert(
      fc.property(cellsArbitrary, ([n, cells]) => {
        const matrix = new AccuracyMatrix(n);
        for (const cell of cells) {
          const inference = cell.inference === undefined ? undefined : Math.floor(cell.inference * cell.total);
          matrix.record(cell.trained, cell.evaluated, Math.floor(cell.ratio * cell.total), cell.total, inference);
        }
        const json = JSON.parse(JSON.stringify(matrix.toJSON())) as unknown;
        const back = AccuracyMatrix.fromJSON(json);
        expect(back.toJSON()).toEqual(matrix.toJSON());
        const order = back.cells().map((cell) => cell.trained * n + cell.evaluated);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
    );
  });

  it('names the offending field when JSON is invalid', () => {
    const good = { experiences: 2, cells: [{ trained: 0, evaluated: 0, correct: 1, total: 2, accuracy: 0.5, taskInferenceCorrect: null }] };
    const withCell = (patch: object) => ({ ...good, cells: [{ ...good.cells[0], ...patch }] });
    expect(() => AccuracyMatrix.fromJSON(withCell({ correct: 3, accuracy: 1.5 }), 'matrix', 'run.json')).toThrow(
      /run\.json: matrix\.cells\[0\]\.accuracy/,
    );
    expect(() => AccuracyMatrix.fromJSON(withCell({ correct: 3, accuracy: 1 }))).toThrow(/matrix\.cells\[0\]\.correct: 3 exceeds total 2/);
    expect(() => AccuracyMatrix.fromJSON(withCell({ evaluated: 2 }))).toThrow(/matrix\.cells\[0\]\.evaluated: 2 is out of range/);
    expect(() => AccuracyMatrix.fromJSON(withCell({ accuracy: 0.4 }))).toThrow(/is not correct\/total/);
    expect(() => AccuracyMatrix.fromJSON(withCell({ extra: 1 }))).toThrow(ResultsFormatError);
    expect(() => AccuracyMatrix.fromJSON({ ...good, cells: [good.cells[0], good.cells[0]] })).toThrow(/matrix\.cells\[1\]: cell R\[0\]\[0\] appears twice/);
    expect(() => AccuracyMatrix.fromJSON({ experiences: '2', cells: [] })).toThrow(/matrix\.experiences/);
  });
});
