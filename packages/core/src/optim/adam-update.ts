import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, nativeAdamInPlace, type AdamUpdateAttrs } from '../backend/kernels/native-adam.js';
import { loadNativeBlas } from '../backend/native-blas/load-native-blas.js';
import { InvalidArgumentError } from '../errors/retain-error.js';

/** Hyper-parameters of one Adam step (Kingma & Ba, ICLR 2015). */
export interface AdamStep {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** The step number t >= 1 (bias corrections 1 - beta^t). */
  readonly step: number;
}

/** The updated value and moments of one variable. */
export interface AdamUpdated {
  readonly value: tf.Tensor;
  readonly firstMoment: tf.Tensor;
  readonly secondMoment: tf.Tensor;
}

/** Checks the operands and returns the kernel attributes of the step. */
function prepare(value: tf.Tensor, firstMoment: tf.Tensor, secondMoment: tf.Tensor, gradient: tf.Tensor, hyper: AdamStep, mask: tf.Tensor | undefined): AdamUpdateAttrs {
  if (!Number.isInteger(hyper.step) || hyper.step < 1) throw new InvalidArgumentError('adam.step', hyper.step, 'an integer >= 1');
  for (const t of [firstMoment, secondMoment, gradient, ...(mask === undefined ? [] : [mask])]) {
    if (!tf.util.arraysEqual(t.shape, value.shape)) throw new InvalidArgumentError('adam operand shape', t.shape, `the value's shape [${value.shape.join(', ')}]`);
  }
  return {
    learningRate: hyper.learningRate,
    beta1: hyper.beta1,
    beta2: hyper.beta2,
    epsilon: hyper.epsilon,
    biasCorrection1: 1 - hyper.beta1 ** hyper.step,
    biasCorrection2: 1 - hyper.beta2 ** hyper.step,
  };
}

/** Whether the fused native kernel can run this step. */
function nativeFits(tensors: readonly (tf.Tensor | undefined)[]): boolean {
  return tensors.every((t) => t === undefined || t.dtype === 'float32') && tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * One Adam step applied to `variable` and its moments (variables the caller
 * owns), with the formula of {@link adamUpdate}. On wasm with the native addon
 * it writes the three in place when no other tensor shares their memory (the
 * fastest path: no new arrays); otherwise it assigns {@link adamUpdate}'s
 * results. Either way the values afterwards are the same.
 */
export function applyAdam(variable: tf.Variable, firstMoment: tf.Variable, secondMoment: tf.Variable, gradient: tf.Tensor, hyper: AdamStep, mask?: tf.Tensor): void {
  const attrs = prepare(variable, firstMoment, secondMoment, gradient, hyper, mask);
  const load = loadNativeBlas();
  if (nativeFits([variable, firstMoment, secondMoment, gradient, mask]) && 'addon' in load) {
    const done = nativeAdamInPlace(load.addon, tf.backend(), { value: variable, firstMoment, secondMoment, gradient, mask }, attrs);
    if (done) return;
  }
  const next = update(variable, firstMoment, secondMoment, gradient, attrs, mask);
  variable.assign(next.value);
  firstMoment.assign(next.firstMoment);
  secondMoment.assign(next.secondMoment);
  tf.dispose([next.value, next.firstMoment, next.secondMoment]);
}

/**
 * One Adam step for one variable, in tfjs' AdamOptimizer formulation:
 *   g' = g * mask (when a 0/1 `mask` is given), m' = b1 m + (1 - b1) g',
 *   v' = b2 v + (1 - b2) g'^2, w' = w - lr (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps).
 * On wasm with retain's native addon it is one fused pass (kernel
 * RetainAdamUpdate); elsewhere the same formula in tf ops. Returns new tensors
 * (the caller assigns and disposes); inputs are not modified.
 */
export function adamUpdate(value: tf.Tensor, firstMoment: tf.Tensor, secondMoment: tf.Tensor, gradient: tf.Tensor, hyper: AdamStep, mask?: tf.Tensor): AdamUpdated {
  return update(value, firstMoment, secondMoment, gradient, prepare(value, firstMoment, secondMoment, gradient, hyper, mask), mask);
}

/** The step of checked operands: the fused kernel when registered, else tf ops. */
function update(value: tf.Tensor, firstMoment: tf.Tensor, secondMoment: tf.Tensor, gradient: tf.Tensor, attrs: AdamUpdateAttrs, mask: tf.Tensor | undefined): AdamUpdated {
  const { learningRate, beta1, beta2, epsilon, biasCorrection1, biasCorrection2 } = attrs;
  if (nativeFits([value, firstMoment, secondMoment, gradient, mask])) {
    const inputs: Record<string, tf.Tensor> = { value, firstMoment, secondMoment, gradient };
    if (mask !== undefined) inputs['mask'] = mask;
    const [newValue, m, v] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { value: newValue as tf.Tensor, firstMoment: m as tf.Tensor, secondMoment: v as tf.Tensor };
  }
  return tf.tidy(() => {
    const g = mask === undefined ? gradient : tf.mul(gradient, mask);
    const m = tf.add(tf.mul(firstMoment, beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(g), 1 - beta2));
    const step = tf.div(tf.div(m, biasCorrection1), tf.add(tf.sqrt(tf.div(v, biasCorrection2)), epsilon));
    const newValue = tf.add(tf.mul(step, -learningRate), value);
    return { value: newValue, firstMoment: m, secondMoment: v };
  });
}
