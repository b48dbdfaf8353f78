import { InvalidArgumentError } from '@retain/core';
import { DuplicateCellError, ResultsFormatError } from '../errors/evaluation-errors.js';
import { parseWithSchema } from '../results/schema-validation.js';
import { accuracyMatrixSchema, type AccuracyMatrixJSON, type MatrixCell } from './accuracy-matrix-schema.js';

function checkIndex(field: string, value: number, experiences: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= experiences) {
    throw new InvalidArgumentError(field, value, `an integer in [0, ${experiences - 1}]`);
  }
}

function checkCount(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidArgumentError(field, value, `an integer in [0, ${max}]`);
  }
}

/**
 * The accuracy matrix of one run, filled while it runs: after training
 * experience i the runner evaluates the test set of each experience j and
 * calls `record(i, j, correct, total)`. Keeps the raw counts (so nothing is
 * lost to rounding), refuses a cell recorded twice, and converts to the plain
 * {@link AccuracyTable} the metric functions take.
 */
export class AccuracyMatrix {
  /** N: experiences in the stream; the matrix is N x N. */
  readonly experiences: number;
  readonly #cells = new Map<number, MatrixCell>();

  /** An empty N x N matrix. */
  constructor(experiences: number) {
    if (!Number.isInteger(experiences) || experiences < 1) {
      throw new InvalidArgumentError('experiences', experiences, 'a positive integer');
    }
    this.experiences = experiences;
  }

  /**
   * Records R[trained][evaluated] = correct / total, and optionally how many
   * of the `total` samples had their task inferred correctly
   * (class-incremental runs). Throws {@link InvalidArgumentError} for an
   * index out of range or an impossible count, {@link DuplicateCellError} if
   * the cell is already recorded.
   */
  record(trained: number, evaluated: number, correct: number, total: number, taskInferenceCorrect?: number): void {
    checkIndex('trained', trained, this.experiences);
    checkIndex('evaluated', evaluated, this.experiences);
    if (!Number.isInteger(total) || total < 1) throw new InvalidArgumentError('total', total, 'a positive integer');
    checkCount('correct', correct, total);
    if (taskInferenceCorrect !== undefined) checkCount('taskInferenceCorrect', taskInferenceCorrect, total);
    const key = trained * this.experiences + evaluated;
    if (this.#cells.has(key)) throw new DuplicateCellError(trained, evaluated);
    this.#cells.set(key, {
      trained,
      evaluated,
      correct,
      total,
      accuracy: correct / total,
      taskInferenceCorrect: taskInferenceCorrect ?? null,
    });
  }

  /** The recorded cell R[trained][evaluated], or undefined. */
  get(trained: number, evaluated: number): MatrixCell | undefined {
    if (trained < 0 || evaluated < 0 || trained >= this.experiences || evaluated >= this.experiences) return undefined;
    return this.#cells.get(trained * this.experiences + evaluated);
  }

  /** R[trained][evaluated] as a fraction, or undefined when not recorded. */
  accuracy(trained: number, evaluated: number): number | undefined {
    return this.get(trained, evaluated)?.accuracy;
  }

  /** All recorded cells, sorted by (trained, evaluated). */
  cells(): MatrixCell[] {
    return [...this.#cells.entries()].sort((a, b) => a[0] - b[0]).map(([, cell]) => cell);
  }

  /** How many experiences have a recorded row (1 + the last row with a cell), 0 when empty. */
  trainedCount(): number {
    let last = -1;
    for (const cell of this.#cells.values()) last = Math.max(last, cell.trained);
    return last + 1;
  }

  /** The N x N accuracy table (undefined where not recorded), for the metric functions. */
  accuracyTable(): Array<Array<number | undefined>> {
    return this.#table((cell) => cell.accuracy);
  }

  /**
   * The N x N table of task-inference rates, or undefined when no cell
   * recorded task inference (task- and domain-incremental runs).
   */
  taskInferenceTable(): Array<Array<number | undefined>> | undefined {
    if (![...this.#cells.values()].some((cell) => cell.taskInferenceCorrect !== null)) return undefined;
    return this.#table((cell) => (cell.taskInferenceCorrect === null ? undefined : cell.taskInferenceCorrect / cell.total));
  }

  /** The JSON form: size and cells in row-major order. */
  toJSON(): AccuracyMatrixJSON {
    return { experiences: this.experiences, cells: this.cells() };
  }

  /**
   * Rebuilds a matrix from its JSON form, validating it; errors are
   * {@link ResultsFormatError}s naming the field (under `field`, default
   * `matrix`) and `source` when given.
   */
  static fromJSON(json: unknown, field = 'matrix', source?: string): AccuracyMatrix {
    const parsed = parseWithSchema(accuracyMatrixSchema, json, field, source);
    if (parsed.experiences < 1) throw new ResultsFormatError(`${field}.experiences`, 'must be at least 1', source);
    const matrix = new AccuracyMatrix(parsed.experiences);
    parsed.cells.forEach((cell, index) => {
      const at = `${field}.cells[${index}]`;
      for (const key of ['trained', 'evaluated'] as const) {
        if (cell[key] >= parsed.experiences) {
          throw new ResultsFormatError(`${at}.${key}`, `${cell[key]} is out of range for ${parsed.experiences} experiences`, source);
        }
      }
      if (cell.correct > cell.total) throw new ResultsFormatError(`${at}.correct`, `${cell.correct} exceeds total ${cell.total}`, source);
      if (cell.taskInferenceCorrect !== null && cell.taskInferenceCorrect > cell.total) {
        throw new ResultsFormatError(`${at}.taskInferenceCorrect`, `${cell.taskInferenceCorrect} exceeds total ${cell.total}`, source);
      }
      if (cell.accuracy !== cell.correct / cell.total) {
        throw new ResultsFormatError(`${at}.accuracy`, `${cell.accuracy} is not correct/total = ${cell.correct / cell.total}`, source);
      }
      if (matrix.get(cell.trained, cell.evaluated) !== undefined) {
        throw new ResultsFormatError(at, `cell R[${cell.trained}][${cell.evaluated}] appears twice`, source);
      }
      matrix.record(cell.trained, cell.evaluated, cell.correct, cell.total, cell.taskInferenceCorrect ?? undefined);
    });
    return matrix;
  }

  #table(value: (cell: MatrixCell) => number | undefined): Array<Array<number | undefined>> {
    const table = Array.from({ length: this.experiences }, () => new Array<number | undefined>(this.experiences).fill(undefined));
    for (const cell of this.#cells.values()) {
      const row = table[cell.trained];
      if (row !== undefined) row[cell.evaluated] = value(cell);
    }
    return table;
  }
}
