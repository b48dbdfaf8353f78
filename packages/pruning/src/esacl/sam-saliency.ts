import { InvalidArgumentError, tf } from '@retain/core';
import { sharpnessSaliency, squaredGradientCurvature } from './saliency.js';

/** A loss over one batch, reading the variables it is differentiated against. */
export type LossClosure = () => tf.Scalar;

/** The gradient at the SAM-perturbed point for one batch. */
export interface SamGradient {
  /** L(w). */
  readonly loss: number;
  /** L(w + e). */
  readonly perturbedLoss: number;
  /** ||g||, the global L2 norm of the gradient at w over all variables. */
  readonly gradientNorm: number;
  /** e = rho * g / ||g|| per variable (all zeros when ||g|| = 0). */
  readonly perturbation: Float32Array[];
  /** The gradient of the loss at w + e, per variable. */
  readonly gradients: Float32Array[];
}

/** Options of {@link samGradient} and {@link samSaliency}. */
export interface SamOptions {
  /** SAM neighbourhood radius. Default 0.05 (Foret et al.'s SAM default; ours for EsaCL, which gives none). */
  readonly rho?: number;
}

/** Result of {@link samSaliency}; every array is aligned with the `variables` given. */
export interface SamSaliencyResult {
  /** Saliency per parameter: |w g| + 0.5 w^2 h (see sharpnessSaliency). */
  readonly scores: Float32Array[];
  /** g: mean over batches of the gradient at each batch's SAM point. */
  readonly gradients: Float32Array[];
  /** h: mean over batches of the squared gradient at each batch's SAM point. */
  readonly curvature: Float32Array[];
  /** The variables' values w the scores were computed at. */
  readonly weights: Float32Array[];
  /** Mean L(w) over batches. */
  readonly loss: number;
  /** Mean L(w + e_b) over batches. */
  readonly perturbedLoss: number;
  /** ||g_b|| at w, per batch. */
  readonly gradientNorms: number[];
}

/** SAM's default neighbourhood radius (Foret et al., ICLR 2021). */
export const DEFAULT_SAM_RHO = 0.05;

/**
 * One SAM step's gradient (Foret et al., 2021), without updating anything:
 * g = dL/dw at w; e = rho * g / ||g|| (||.|| over all variables together);
 * returns the gradient at w + e. The variables are restored to their exact
 * values afterwards, also when the loss throws. Every tensor made here is
 * disposed. Variables must be trainable float32 tf.Variables.
 */
export function samGradient(loss: LossClosure, variables: readonly tf.Variable[], options: SamOptions = {}): SamGradient {
  const rho = options.rho ?? DEFAULT_SAM_RHO;
  if (!(rho >= 0 && Number.isFinite(rho))) throw new InvalidArgumentError('rho', rho, 'a finite number >= 0');
  checkVariables(variables);
  const originals = variables.map((v) => tf.clone(v));
  try {
    const atW = gradientsOf(loss, variables);
    const squared = atW.gradients.reduce((sum, g) => sum + g.reduce((s, x) => s + x * x, 0), 0);
    const gradientNorm = Math.sqrt(squared);
    const scale = gradientNorm > 0 ? rho / gradientNorm : 0;
    const perturbation = atW.gradients.map((g) => Float32Array.from(g, (x) => x * scale));
    variables.forEach((v, i) => {
      const moved = tf.tidy(() => tf.add(originals[i] as tf.Tensor, tf.tensor(perturbation[i] as Float32Array, v.shape, 'float32')));
      v.assign(moved);
      moved.dispose();
    });
    const atPerturbed = gradientsOf(loss, variables);
    return { loss: atW.loss, perturbedLoss: atPerturbed.loss, gradientNorm, perturbation, gradients: atPerturbed.gradients };
  } finally {
    variables.forEach((v, i) => v.assign(originals[i] as tf.Tensor));
    tf.dispose(originals);
  }
}

/**
 * EsaCL-style saliency on a few batches (ours, see sharpnessSaliency): for each
 * batch's loss, the gradient at its SAM-perturbed point (samGradient); g = the
 * mean of those gradients, h = the mean of their squares; scores =
 * |w g| + 0.5 w^2 h at the current weights w. The variables are left as they were.
 *
 * @example
 * const { scores } = samSaliency(() => lossOn(batch), [kernel1, kernel2], { rho: 0.05 });
 * const kept = pruneBySaliencyGlobal({ k1: { scores: scores[0] }, k2: { scores: scores[1] } }, 0.6);
 */
export function samSaliency(loss: LossClosure | readonly LossClosure[], variables: readonly tf.Variable[], options: SamOptions = {}): SamSaliencyResult {
  const batches = typeof loss === 'function' ? [loss] : loss;
  if (batches.length === 0) throw new InvalidArgumentError('loss', batches, 'a loss closure or a non-empty list of them');
  checkVariables(variables);
  const weights = variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const results = batches.map((batch) => samGradient(batch, variables, options));
  const gradients = variables.map((_, i) => meanOf(results.map((r) => r.gradients[i] as Float32Array)));
  const curvature = variables.map((_, i) => squaredGradientCurvature(results.map((r) => r.gradients[i] as Float32Array)));
  const scores = variables.map((_, i) => sharpnessSaliency(weights[i] as Float32Array, gradients[i] as Float32Array, curvature[i]));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    scores,
    gradients,
    curvature,
    weights,
    loss: mean(results.map((r) => r.loss)),
    perturbedLoss: mean(results.map((r) => r.perturbedLoss)),
    gradientNorms: results.map((r) => r.gradientNorm),
  };
}

function checkVariables(variables: readonly tf.Variable[]): void {
  if (variables.length === 0) throw new InvalidArgumentError('variables', variables, 'at least one tf.Variable');
  variables.forEach((v, i) => {
    if (!(v instanceof tf.Variable) || !v.trainable || v.dtype !== 'float32') {
      throw new InvalidArgumentError(`variables[${i}]`, v, 'a trainable float32 tf.Variable');
    }
  });
}

/** L and dL/dv for each variable as Float32Arrays (zeros for a variable the loss does not read). */
function gradientsOf(loss: LossClosure, variables: readonly tf.Variable[]): { loss: number; gradients: Float32Array[] } {
  const { value, grads } = tf.variableGrads(loss, [...variables]);
  try {
    const gradients = variables.map((v) => {
      const g = grads[v.name];
      return g ? Float32Array.from(g.dataSync() as Float32Array) : new Float32Array(v.size);
    });
    return { loss: value.dataSync()[0] as number, gradients };
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads).filter((g): g is tf.Tensor => g != null));
  }
}

function meanOf(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array((arrays[0] as Float32Array).length);
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[i] = (out[i] as number) + (a[i] as number);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / arrays.length;
  return out;
}
