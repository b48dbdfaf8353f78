import { EvaluationResultError, QuantizationOptionError } from '../errors/quantization-errors.js';
import { checkBits } from '../validation/argument-checks.js';

/** Options of {@link searchBitWidth}. */
export interface BitWidthSearchOptions {
  /**
   * Accuracy of the model quantised at `bits` bits (for example with
   * {@link quantizeWeights} per layer), in the same units as `floatAccuracy`.
   * Called once per tried width, from `startBits` downwards, never twice for one width.
   */
  readonly evaluate: (bits: number) => number | Promise<number>;
  /** Accuracy of the unquantised (float) model. */
  readonly floatAccuracy: number;
  /** First width tried. Default 6 (64 clusters; the paper's). */
  readonly startBits?: number;
  /** Narrowest width tried. Default 1 (ours; the paper does not bound it). */
  readonly minBits?: number;
  /**
   * A width is accepted while `floatAccuracy - accuracy < maxDrop` (strictly).
   * Default 0.02: the paper's 2 points, for accuracies given as fractions in
   * [0, 1]; pass 2 for accuracies in percent.
   */
  readonly maxDrop?: number;
}

/** One evaluated width. */
export interface BitWidthTrial {
  readonly bits: number;
  readonly accuracy: number;
  /** floatAccuracy - accuracy (negative when quantisation helped). */
  readonly drop: number;
  /** drop < maxDrop. */
  readonly accepted: boolean;
}

/** Outcome of {@link searchBitWidth}. */
export interface BitWidthSearchResult {
  /**
   * The chosen width: the last accepted one; when even `startBits` was
   * rejected, `startBits` itself (see `withinThreshold`).
   */
  readonly bits: number;
  /** Accuracy at `bits`. */
  readonly accuracy: number;
  /** Drop at `bits`. */
  readonly drop: number;
  /**
   * False when even `startBits` dropped accuracy by `maxDrop` or more: `bits`
   * is then `startBits` anyway (our documented choice, so the task keeps a
   * bounded bit budget); a caller that prefers float weights can check this.
   */
  readonly withinThreshold: boolean;
  /** Every evaluated width in order, widest first. */
  readonly trace: readonly BitWidthTrial[];
}

/** Default of {@link BitWidthSearchOptions.startBits}: 6 bits = 64 clusters (Ada-QPacknet). */
export const DEFAULT_START_BITS = 6;
/** Default of {@link BitWidthSearchOptions.minBits}. */
export const DEFAULT_MIN_BITS = 1;
/** Default of {@link BitWidthSearchOptions.maxDrop}: 2 points as a fraction (Ada-QPacknet). */
export const DEFAULT_MAX_DROP = 0.02;

function checkFinite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new QuantizationOptionError(field, value, 'a finite number');
  }
  return value;
}

/**
 * Ada-QPacknet's post-training bit-width reduction (Pietroń et al. 2023):
 * starting at `startBits`, evaluate; while the accuracy drop against the float
 * model stays under `maxDrop`, accept and try one bit fewer (halving the
 * cluster count, 64 -> 32 -> 16 ...); stop at the first rejected width or at
 * `minBits`, and keep the last accepted width. The callback is awaited one
 * width at a time; its errors propagate.
 */
export async function searchBitWidth(options: BitWidthSearchOptions): Promise<BitWidthSearchResult> {
  const { evaluate } = options;
  if (typeof evaluate !== 'function') throw new QuantizationOptionError('evaluate', evaluate, 'a function (bits) => accuracy');
  const floatAccuracy = checkFinite('floatAccuracy', options.floatAccuracy);
  const startBits = checkBits('startBits', options.startBits ?? DEFAULT_START_BITS);
  const minBits = checkBits('minBits', options.minBits ?? DEFAULT_MIN_BITS, 1, startBits, 'minBits <= startBits');
  const maxDrop = checkFinite('maxDrop', options.maxDrop ?? DEFAULT_MAX_DROP);
  if (maxDrop < 0) throw new QuantizationOptionError('maxDrop', maxDrop, 'a non-negative number');

  const trace: BitWidthTrial[] = [];
  let chosen: BitWidthTrial | undefined;
  for (let bits = startBits; bits >= minBits; bits--) {
    const accuracy: unknown = await evaluate(bits);
    if (typeof accuracy !== 'number' || !Number.isFinite(accuracy)) throw new EvaluationResultError(bits, accuracy);
    const drop = floatAccuracy - accuracy;
    const trial: BitWidthTrial = { bits, accuracy, drop, accepted: drop < maxDrop };
    trace.push(trial);
    if (!trial.accepted) break;
    chosen = trial;
  }
  const first = trace[0] as BitWidthTrial;
  const result = chosen ?? first;
  return { bits: result.bits, accuracy: result.accuracy, drop: result.drop, withinThreshold: chosen !== undefined, trace };
}
