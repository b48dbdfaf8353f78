import { z } from 'zod';

const count = z.number().int().nonnegative();

/** Zod schema of one recorded cell in {@link AccuracyMatrixJSON}. */
export const matrixCellSchema = z.strictObject({
  trained: count,
  evaluated: count,
  correct: count,
  total: z.number().int().positive(),
  accuracy: z.number().min(0).max(1),
  taskInferenceCorrect: count.nullable(),
});

/** Zod schema of {@link AccuracyMatrixJSON}. */
export const accuracyMatrixSchema = z.strictObject({
  experiences: count,
  cells: z.array(matrixCellSchema),
});

/** One recorded cell R[trained][evaluated] with its raw counts. */
export interface MatrixCell {
  /** Row: index of the experience trained last. */
  readonly trained: number;
  /** Column: index of the experience whose test set was evaluated. */
  readonly evaluated: number;
  /** Test samples classified correctly. */
  readonly correct: number;
  /** Test samples evaluated (> 0). */
  readonly total: number;
  /** `correct / total`, stored for readers of the JSON. */
  readonly accuracy: number;
  /** Test samples whose task was inferred correctly (class-incremental runs), else null. */
  readonly taskInferenceCorrect: number | null;
}

/** The JSON form of an {@link AccuracyMatrix}: its size and recorded cells sorted by (trained, evaluated). */
export interface AccuracyMatrixJSON {
  /** N: experiences in the stream; the matrix is N x N. */
  readonly experiences: number;
  /** Recorded cells in row-major order. */
  readonly cells: readonly MatrixCell[];
}
