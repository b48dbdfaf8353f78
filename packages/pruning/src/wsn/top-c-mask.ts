import { InvalidArgumentError, readFloat32, tf } from '@retain/core';
import type { EligibleSet } from '../selection/eligible-set.js';
import { selectTopMagnitudeInto, type MagnitudeRange } from '../selection/magnitude-select.js';
import type { RankBy } from '../selection/order-keys.js';
import { checkFraction, keepCount, selectTopFraction } from '../selection/top-k-mask.js';

/** Options of {@link topCScoreMask} and {@link wsnMaskedWeight}. */
export interface TopCOptions {
  /** Which scores may be selected; default all (WSN selects over the whole layer). */
  readonly eligible?: EligibleSet;
  /** Rank scores by |score| (default; WSN as described in our method notes) or by signed value. */
  readonly rankBy?: RankBy;
}

/** Options of {@link wsnMaskedWeight}. */
export interface WsnMaskedWeightOptions extends TopCOptions {
  /**
   * A 0/1 float32 tensor of the weights' shape: the weights that may learn
   * (WSN: those no earlier task selected). The weights' gradient is then
   * dy * mask * trainable. Default: every weight (dy * mask). The caller keeps
   * it alive while the returned tensor's gradient may be taken.
   */
  readonly trainable?: tf.Tensor;
}

/** The mask buffer reused on wasm (see {@link maskBuffer}); grows to the largest layer. */
let reusedMask = new Float32Array(0);

/**
 * An array for `n` mask values that tf.tensor may take. The wasm backend
 * copies a new tensor's values into its heap at once, so one buffer serves
 * every step and layer there: a fresh megabyte-sized array costs ~3 ms per
 * layer per step in page faults on this platform (measured, 313 600 floats),
 * ten times the selection itself. Other backends (cpu, webgl) keep the array
 * they are given, so they get a new one each call.
 */
function maskBuffer(n: number): Float32Array {
  if (tf.getBackend() !== 'wasm') return new Float32Array(n);
  if (reusedMask.length < n) reusedMask = new Float32Array(n);
  return reusedMask.subarray(0, n);
}

/**
 * The last threshold key (float bits of the c-th largest |score|) of a scores
 * tensor, its change at that step, and a decaying maximum of how far that
 * change missed the one before (the error of predicting with the last change).
 */
interface ThresholdTrack {
  readonly key: number;
  readonly drift: number;
  readonly spread: number;
}

/** Per scores tensor (WSN's scores are variables that live for a task): where the threshold was. */
const thresholds = new WeakMap<tf.Tensor, ThresholdTrack>();
/** Half-width of a guess, in keys: 2^12 (about 0.05 % of |score|) to 2^22 (half an octave). */
const MIN_GUESS_HALF_WIDTH = 1 << 12;
const MAX_GUESS_HALF_WIDTH = 1 << 22;
/** Guess half-width in units of the spread; how fast an old large miss is forgotten per step. */
const SPREADS_PER_HALF_WIDTH = 4;
const SPREAD_DECAY = 0.8;

/**
 * Where this step's threshold probably is: the last one moved by the last
 * change, give or take four times the recent prediction error. The selection
 * verifies the guess: a wrong one costs one extra pass, never a different
 * mask. Measured on the MLP (784-400-400-10, Adam 1e-3, batch 128, 300
 * steps): the threshold moves by ~10^4-3x10^5 keys per step, the prediction
 * misses by a median ~7x10^3, and the guess holds on 97-100 % of steps.
 */
function guessFrom(previous: ThresholdTrack | undefined): MagnitudeRange | undefined {
  if (previous === undefined) return undefined;
  const half = Math.ceil(Math.min(MAX_GUESS_HALF_WIDTH, Math.max(MIN_GUESS_HALF_WIDTH, SPREADS_PER_HALF_WIDTH * previous.spread)));
  const centre = previous.key + previous.drift;
  const low = Math.max(0, centre - half);
  const high = Math.min(INFINITY_KEY, centre + half);
  return low <= high ? { low, high } : undefined;
}

/** The track after a step whose threshold key is `key`. */
function nextTrack(previous: ThresholdTrack | undefined, key: number): ThresholdTrack {
  if (previous === undefined) return { key, drift: 0, spread: 0 };
  const drift = key - previous.key;
  return { key, drift, spread: Math.max(Math.abs(drift - previous.drift), SPREAD_DECAY * previous.spread) };
}

/** Float bits of +Infinity: the largest |score| key. */
const INFINITY_KEY = 0x7f800000;

/**
 * The float32 0/1 top-c mask of `scores` as an array for tf.tensor (every
 * entry written). Reads the scores in place (wasm heap). The whole-layer
 * |score| case, WSN's, runs the two-pass selection straight into the float32
 * array; other cases select into bytes and widen them with one typed-array copy.
 */
function topCMaskValues(scores: tf.Tensor, c: number, options: TopCOptions): Float32Array {
  const rankBy = options.rankBy ?? 'magnitude';
  const out = maskBuffer(scores.size);
  readFloat32(scores, (values) => {
    if (options.eligible === undefined && rankBy === 'magnitude') {
      const previous = thresholds.get(scores);
      const found = selectTopMagnitudeInto(values, keepCount(c, values.length, 'c'), out, { field: 'scores', guess: guessFrom(previous) });
      if (found.thresholdKey < 0) thresholds.delete(scores);
      else thresholds.set(scores, nextTrack(previous, found.thresholdKey));
    } else {
      out.set(selectTopFraction(values, c, { eligible: options.eligible, rankBy, field: 'scores', fractionField: 'c' }));
    }
  });
  return out;
}

function checkScores(scores: tf.Tensor, c: number): void {
  checkFraction(c, 'c');
  if (scores.dtype !== 'float32') throw new InvalidArgumentError('scores.dtype', scores.dtype, "'float32'");
}

/**
 * WSN's subnetwork selection (Kang et al., ICML 2022) with a straight-through
 * gradient. Forward: a float32 0/1 tensor of the scores' shape selecting the
 * top-c fraction of the (eligible) scores by |score|: exactly
 * Math.round(c * eligible count) ones, ties to the lower flat index.
 * Backward: the gradient passes to the scores unchanged (d mask / d scores is
 * taken as the identity). `c` is the capacity as a fraction in [0, 1]
 * (c = 0.5 keeps 50 %). The forward pass reads the scores on the CPU
 * (in place in the wasm heap, without dataSync's copy) and selects with the
 * radix selection of this package.
 *
 * @example
 * const scores = tf.variable(tf.randomNormal([784, 100]));
 * const mask = topCScoreMask(scores, 0.5); // 39 200 ones
 */
export function topCScoreMask(scores: tf.Tensor, c: number, options: TopCOptions = {}): tf.Tensor {
  checkScores(scores, c);
  const straightThrough = tf.customGrad((...inputs) => {
    const s = inputs[0] as tf.Tensor;
    const value = tf.tensor(topCMaskValues(s, c, options), s.shape, 'float32');
    return { value, gradFunc: (dy: tf.Tensor) => dy.clone() };
  });
  return straightThrough(scores);
}

/**
 * WSN's effective weight: w * topCScoreMask(scores, c), as one op with its
 * own gradient. Gradients: to the weights dy * mask (times `trainable` when
 * given: only selected, trainable weights learn), to the scores dy * w
 * (straight through the mask). One elementwise kernel forward (w * mask) and
 * two or three backward, besides uploading the mask.
 *
 * @example
 * const w = wsnMaskedWeight(kernel, scores, 0.5, { trainable: freeMask });
 */
export function wsnMaskedWeight(weights: tf.Tensor, scores: tf.Tensor, c: number, options: WsnMaskedWeightOptions = {}): tf.Tensor {
  if (!tf.util.arraysEqual(weights.shape, scores.shape)) {
    throw new InvalidArgumentError('scores.shape', scores.shape, `the weights' shape [${weights.shape.join(', ')}]`);
  }
  const trainable = options.trainable;
  if (trainable !== undefined && (trainable.dtype !== 'float32' || !tf.util.arraysEqual(trainable.shape, weights.shape))) {
    throw new InvalidArgumentError('trainable', `${trainable.dtype} [${trainable.shape.join(', ')}]`, `a float32 0/1 tensor of shape [${weights.shape.join(', ')}]`);
  }
  checkScores(scores, c);
  const op = tf.customGrad((...inputs) => {
    const w = inputs[0] as tf.Tensor;
    const s = inputs[1] as tf.Tensor;
    const save = inputs[2] as unknown as (tensors: tf.Tensor[]) => void;
    const mask = tf.tensor(topCMaskValues(s, c, options), s.shape, 'float32');
    save([w, mask]); // kept by the tape only while it records (a clone: shares the data)
    return {
      value: tf.mul(w, mask),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedWeights, savedMask] = saved as [tf.Tensor, tf.Tensor];
        const toWeights = tf.mul(dy, savedMask);
        return [trainable === undefined ? toWeights : tf.mul(toWeights, trainable), tf.mul(dy, savedWeights)];
      },
    };
  });
  return tf.tidy(() => op(weights, scores));
}
