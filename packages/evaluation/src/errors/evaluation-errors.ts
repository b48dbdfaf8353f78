import { RetainError } from '@retain/core';

/**
 * A results document (JSON text or object) does not match the
 * {@link RunResults} schema. `field` is the dotted path of the offending value
 * (for example `matrix.cells[3].correct`), `source` the file it came from when
 * known.
 */
export class ResultsFormatError extends RetainError {
  /** Dotted path of the offending field, `(root)` for the document itself. */
  readonly field: string;
  /** The file the document was read from, when known. */
  readonly source: string | undefined;

  constructor(field: string, problem: string, source?: string, options?: { cause?: unknown }) {
    super('ERR_RESULTS_FORMAT', `${source === undefined ? '' : `${source}: `}${field}: ${problem}`, options);
    this.field = field;
    this.source = source;
  }
}

/**
 * An accuracy-matrix cell was recorded twice. Re-recording would silently
 * replace a measurement, so {@link AccuracyMatrix.record} refuses it.
 */
export class DuplicateCellError extends RetainError {
  /** Row of the cell: the experience trained last. */
  readonly trained: number;
  /** Column of the cell: the experience evaluated. */
  readonly evaluated: number;

  constructor(trained: number, evaluated: number) {
    super('ERR_DUPLICATE_CELL', `accuracy matrix cell R[${trained}][${evaluated}] is already recorded`);
    this.trained = trained;
    this.evaluated = evaluated;
  }
}
