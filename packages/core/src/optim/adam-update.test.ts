import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { initBackend } from '../backend/init-backend.js';
import { loadNativeBlas } from '../backend/native-blas/load-native-blas.js';
import { setNativeBlasKernels } from '../backend/native-blas/native-blas-kernels.js';
import { InvalidArgumentError } from '../errors/retain-error.js';
import { Rng } from '../random/rng.js';
import { adamUpdate, applyAdam, type AdamStep } from './adam-update.js';

const native = 'addon' in loadNativeBlas();

function random(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

/** `steps` Adam steps with adamUpdate from `w0`, gradients from `grads` (optionally masked). */
function runAdamUpdate(w0: Float32Array, grads: Float32Array[], hyper: Omit<AdamStep, 'step'>, mask?: Float32Array): Float32Array[] {
  const before = tf.memory().numTensors;
  let w: tf.Tensor = tf.tensor1d(w0);
  let m: tf.Tensor = tf.zerosLike(w);
  let v: tf.Tensor = tf.zerosLike(w);
  const maskTensor = mask === undefined ? undefined : tf.tensor1d(mask);
  grads.forEach((g, i) => {
    const gradient = tf.tensor1d(g);
    const next = adamUpdate(w, m, v, gradient, { ...hyper, step: i + 1 }, maskTensor);
    tf.dispose([w, m, v, gradient]);
    ({ value: w, firstMoment: m, secondMoment: v } = next);
  });
  const out = [w, m, v].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([w, m, v, ...(maskTensor === undefined ? [] : [maskTensor])]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/** The same steps with tfjs' own AdamOptimizer (the reference formulation). */
function runTfjsAdam(w0: Float32Array, grads: Float32Array[], hyper: Omit<AdamStep, 'step'>): Float32Array {
  const w = tf.variable(tf.tensor1d(w0));
  const optimizer = tf.train.adam(hyper.learningRate, hyper.beta1, hyper.beta2, hyper.epsilon);
  for (const g of grads) {
    const gradient = tf.tensor1d(g);
    optimizer.applyGradients([{ name: w.name, tensor: gradient }]);
    gradient.dispose();
  }
  const out = Float32Array.from(w.dataSync());
  optimizer.dispose();
  w.dispose();
  return out;
}

/** Largest difference relative to max(1, |reference|): float32 rounding of weights of order 1. */
function maxRelative(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) / Math.max(1, Math.abs(b[i] ?? 0)));
  return worst;
}

const HYPER = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

describe('adamUpdate', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('matches tfjs AdamOptimizer over several steps, natively and in tf ops', () => {
    const rng = Rng.fromSeed(4);
    const w0 = random(rng, 1000);
    const grads = Array.from({ length: 5 }, () => random(rng, 1000, 0.1));
    const reference = runTfjsAdam(w0, grads, HYPER);
    for (const useNative of native ? [true, false] : [false]) {
      setNativeBlasKernels(useNative);
      const [w] = runAdamUpdate(w0, grads, HYPER);
      expect(maxRelative(w!, reference)).toBeLessThan(1e-6);
    }
    setNativeBlasKernels(true);
  });

  it('a 0/1 mask freezes the masked entries exactly and leaves their moments at zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean(), (n, seed, useNative) => {
        setNativeBlasKernels(useNative && native);
        const rng = Rng.fromSeed(seed);
        const w0 = random(rng, n);
        const mask = Float32Array.from({ length: n }, () => (rng.nextFloat() < 0.5 ? 1 : 0));
        const grads = [random(rng, n), random(rng, n)];
        const [w, m, v] = runAdamUpdate(w0, grads, HYPER, mask);
        const [wOnly] = runAdamUpdate(
          w0,
          grads.map((g) => g.map((x, i) => x * (mask[i] ?? 0))),
          HYPER,
        );
        for (let i = 0; i < n; i++) {
          if (mask[i] === 0) {
            expect(w![i]).toBe(w0[i]);
            expect(m![i]).toBe(0);
            expect(v![i]).toBe(0);
          }
        }
        expect(maxRelative(w!, wOnly!)).toBeLessThan(1e-6);
      }),
      { numRuns: 20 },
    );
    setNativeBlasKernels(true);
  });

  it('works on the cpu backend (tf ops)', async () => {
    await tf.setBackend('cpu');
    const rng = Rng.fromSeed(8);
    const w0 = random(rng, 50);
    const grads = [random(rng, 50, 0.1), random(rng, 50, 0.1)];
    const [w] = runAdamUpdate(w0, grads, HYPER);
    expect(maxRelative(w!, runTfjsAdam(w0, grads, HYPER))).toBeLessThan(1e-6);
    await tf.setBackend('wasm');
  });

  it('rejects a step below 1 and operands of another shape', () => {
    const a = tf.zeros([3]);
    const b = tf.zeros([4]);
    expect(() => adamUpdate(a, a, a, a, { ...HYPER, step: 0 })).toThrow(InvalidArgumentError);
    expect(() => adamUpdate(a, a, a, b, { ...HYPER, step: 1 })).toThrow(/adam operand shape.*\[3\]/);
    tf.dispose([a, b]);
  });
});

describe('applyAdam', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('updates the variable and moments exactly as adamUpdate + assign, in place or not, and never changes a clone', () => {
    const rng = Rng.fromSeed(6);
    const w0 = random(rng, 3000);
    const grads = [random(rng, 3000, 0.1), random(rng, 3000, 0.1), random(rng, 3000, 0.1)];
    const mask = tf.tensor1d(Float32Array.from({ length: 3000 }, () => (rng.nextFloat() < 0.5 ? 1 : 0)));
    const [expected] = runAdamUpdate(w0, grads, HYPER, mask.dataSync() as Float32Array);
    for (const useNative of native ? [true, false] : [false]) {
      setNativeBlasKernels(useNative);
      const before = tf.memory().numTensors;
      const w = tf.tidy(() => tf.variable(tf.tensor1d(w0)));
      const m = tf.tidy(() => tf.variable(tf.zerosLike(w), false));
      const v = tf.tidy(() => tf.variable(tf.zerosLike(w), false));
      let snapshot: tf.Tensor | undefined;
      grads.forEach((g, i) => {
        const gradient = tf.tensor1d(g);
        if (i === 1) snapshot = tf.clone(w); // shares w's memory: this step must not write in place
        applyAdam(w, m, v, gradient, { ...HYPER, step: i + 1 }, mask);
        gradient.dispose();
      });
      expect(Array.from(w.dataSync())).toEqual(Array.from(expected!));
      expect(maxRelative(snapshot!.dataSync() as Float32Array, expected!)).toBeGreaterThan(0);
      const afterFirst = runAdamUpdate(w0, grads.slice(0, 1), HYPER, mask.dataSync() as Float32Array)[0]!;
      expect(Array.from(snapshot!.dataSync())).toEqual(Array.from(afterFirst));
      tf.dispose([w, m, v, snapshot!]);
      expect(tf.memory().numTensors).toBe(before);
    }
    mask.dispose();
    setNativeBlasKernels(true);
  });
});
