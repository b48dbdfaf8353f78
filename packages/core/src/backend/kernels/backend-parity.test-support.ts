// Test support (not built into dist): runs one computation on the cpu backend,
// on wasm with retain's kernels and on wasm with the native BLAS kernels.
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setNativeBlasKernels } from '../native-blas/native-blas-kernels.js';
import type { Rng } from '../../random/rng.js';

/** Uniform(-1, 1) values of `shape` from `rng`. */
export function values(rng: Rng, shape: readonly number[]): { data: Float32Array; shape: number[] } {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.uniform(-1, 1);
  return { data, shape: [...shape] };
}

/** `fn`'s result on cpu, on wasm with retain's kernels, and on wasm with the native BLAS (each leak-checked). */
export async function onAll(fn: () => tf.Tensor): Promise<{ cpu: Float32Array; wasm: Float32Array; native: Float32Array }> {
  const run = (): Float32Array => {
    const before = tf.memory().numTensors;
    const y = fn();
    const out = Float32Array.from(y.dataSync());
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return out;
  };
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('wasm');
  setNativeBlasKernels(false);
  const wasm = run();
  expect(setNativeBlasKernels(true)).toBe(true);
  const native = run();
  return { cpu, wasm, native };
}

/** Largest difference relative to the largest magnitude below 1e-5 (float32 sums of a few hundred terms). */
export function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1e-6;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs((actual[i] ?? 0) - (expected[i] ?? 0)));
  expect(worst / scale).toBeLessThan(1e-5);
}
