import { InvalidArgumentError, RetainError, tf, type Rng } from '@retain/core';
import { sampleCategorical } from './categorical-sampling.js';

/**
 * Which diagonal Fisher to estimate.
 * - `'true'`: labels drawn from the model's own predictive distribution
 *   p(y | x, theta): an unbiased estimate of the Fisher information
 *   E_x E_{y ~ p_theta}[(d log p / d theta)^2] that EWC (Kirkpatrick et al.
 *   2017) writes down and BLIP uses.
 * - `'empirical'`: the dataset's labels instead (the "empirical Fisher"
 *   many EWC implementations use; Kunstner et al. 2019 discuss how it
 *   differs).
 */
export type FisherKind = 'true' | 'empirical';

/** Samples as typed arrays (a scenario ArrayBatch fits): `size` rows of the input, then labels. */
export interface FisherDataBatch {
  /** size x featureSize inputs. */
  readonly x: Float32Array;
  /** size labels (used by the empirical Fisher). */
  readonly y: Int32Array;
  readonly size: number;
}

/** Options of {@link estimateDiagonalFisher}. */
export interface DiagonalFisherOptions {
  /** Default `'true'` (see {@link FisherKind}). */
  readonly kind?: FisherKind;
  /** Use at most this many samples (the first ones the batches give). Default: all. */
  readonly maxSamples?: number;
  /**
   * Samples per gradient. Default 1: exact per-sample squared gradients.
   * With m > 1 each squared mean gradient of m samples is weighted by m, which
   * matches the per-sample estimate only where the expected gradient is ~0
   * (at a minimum); it is faster but biased upward elsewhere.
   */
  readonly microBatchSize?: number;
  /** Draws the labels of the true Fisher (required when kind is 'true'). */
  readonly rng?: Rng;
}

/** What {@link estimateDiagonalFisher} returns. */
export interface DiagonalFisherEstimate {
  /** Mean squared log-likelihood gradient per weight, by the names of the variables map. */
  readonly fisher: Map<string, Float32Array>;
  /** Number of samples averaged. */
  readonly samples: number;
}

/** The data given to {@link estimateDiagonalFisher} held no sample. */
export class EmptyFisherDataError extends RetainError {
  constructor() {
    super('ERR_EMPTY_FISHER_DATA', 'estimateDiagonalFisher: the batches held no sample (need at least one)');
  }
}

function checkOptions(options: DiagonalFisherOptions): { kind: FisherKind; maxSamples: number; micro: number; rng: Rng | undefined } {
  const kind = options.kind ?? 'true';
  if (kind !== 'true' && kind !== 'empirical') throw new InvalidArgumentError('kind', kind, "'true' or 'empirical'");
  const maxSamples = options.maxSamples ?? Number.POSITIVE_INFINITY;
  if (!(maxSamples === Number.POSITIVE_INFINITY || (Number.isInteger(maxSamples) && maxSamples > 0))) {
    throw new InvalidArgumentError('maxSamples', maxSamples, 'a positive integer');
  }
  const micro = options.microBatchSize ?? 1;
  if (!Number.isInteger(micro) || micro <= 0) throw new InvalidArgumentError('microBatchSize', micro, 'a positive integer');
  if (kind === 'true' && options.rng === undefined) throw new InvalidArgumentError('rng', undefined, "an Rng to sample labels (kind 'true')");
  return { kind, maxSamples, micro, rng: options.rng };
}

/** Mean negative log-likelihood of `labels` under `logits` (no gather: its gradient lacks a wasm kernel). */
function meanNll(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  const classes = logits.shape[logits.shape.length - 1] as number;
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, classes).toFloat(), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/**
 * Estimates the diagonal of the Fisher information of the weights in
 * `variables` for the model `logitsOf` (logits [batch, classes] of a batch
 * [batch, ...inputShape]): the mean over samples of the squared gradient of
 * log p(y | x), y drawn from the model ('true') or the data ('empirical').
 * Squared gradients accumulate as tensors (no sync per sample except the
 * model's probabilities for the true Fisher); one read at the end.
 */
export function estimateDiagonalFisher(
  logitsOf: (x: tf.Tensor) => tf.Tensor,
  variables: ReadonlyMap<string, tf.Variable>,
  batches: Iterable<FisherDataBatch>,
  inputShape: readonly number[],
  options: DiagonalFisherOptions = {},
): DiagonalFisherEstimate {
  const { kind, maxSamples, micro, rng } = checkOptions(options);
  const featureSize = inputShape.reduce((a, b) => a * b, 1);
  const names = [...variables.keys()];
  const varList = names.map((n) => variables.get(n) as tf.Variable);
  let sums: tf.Tensor[] = varList.map((v) => tf.zerosLike(v));
  let samples = 0;
  try {
    for (const batch of batches) {
      if (batch.x.length < batch.size * featureSize || batch.y.length < batch.size) {
        throw new InvalidArgumentError('batch', `x of ${batch.x.length}, y of ${batch.y.length}`, `${batch.size} samples of ${featureSize} values`);
      }
      for (let start = 0; start < batch.size && samples < maxSamples; start += micro) {
        const size = Math.min(micro, batch.size - start, maxSamples - samples);
        const next = tf.tidy(() => {
          const x = tf.tensor(batch.x.subarray(start * featureSize, (start + size) * featureSize), [size, ...inputShape]);
          const { grads } = tf.variableGrads(() => {
            const logits = logitsOf(x);
            const classes = logits.shape[logits.shape.length - 1] as number;
            const labels =
              kind === 'true'
                ? sampleCategorical(tf.softmax(logits).dataSync() as Float32Array, size, classes, rng as Rng)
                : batch.y.slice(start, start + size);
            return meanNll(logits, tf.tensor1d(labels, 'int32'));
          }, varList);
          return varList.map((v, i) => {
            const g = grads[v.name];
            return g == null ? (sums[i] as tf.Tensor).clone() : tf.add(sums[i] as tf.Tensor, tf.mul(tf.square(g), size));
          });
        });
        tf.dispose(sums);
        sums = next;
        samples += size;
      }
      if (samples >= maxSamples) break;
    }
    if (samples === 0) throw new EmptyFisherDataError();
    const fisher = new Map<string, Float32Array>();
    names.forEach((name, i) => {
      const values = (sums[i] as tf.Tensor).dataSync() as Float32Array;
      const mean = new Float32Array(values.length);
      for (let j = 0; j < values.length; j++) mean[j] = (values[j] as number) / samples;
      fisher.set(name, mean);
    });
    return { fisher, samples };
  } finally {
    tf.dispose(sums);
  }
}
