import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './init-backend.js';
import { InvalidArgumentError } from '../errors/retain-error.js';

// Its own file: the wasm thread count is fixed for the process (vitest runs each file in its own worker).
describe('initBackend wasmThreads', () => {
  it('rejects counts outside [1, 4] naming the field', async () => {
    for (const bad of [0, 5, 1.5, Number.NaN]) {
      await expect(initBackend('wasm', { wasmThreads: bad })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(initBackend('wasm', { wasmThreads: 9 })).rejects.toThrow(/wasmThreads/);
  });

  it('runs the threaded wasm build on 2 threads under Node, with the same results as cpu', async () => {
    const info = await initBackend('wasm', { wasmThreads: 2 });
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(info.simd).toBe(true);
    const a = Float32Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 48 * 40 }, (_, i) => Math.cos(i));
    const product = (): Float32Array => tf.tidy(() => tf.matMul(tf.tensor(a, [64, 48]), tf.tensor(b, [48, 40]), false, false).dataSync() as Float32Array);
    const wasm = product();
    await tf.setBackend('cpu');
    const cpu = product();
    await tf.setBackend('wasm');
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs((wasm[i] ?? 0) - (cpu[i] ?? 0)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('keeps the count it started with and says so', async () => {
    const info = await initBackend('wasm', { wasmThreads: 1 });
    expect(info.threads).toBe(2);
    expect(info.reason).toMatch(/1 wasm thread\(s\) asked, 2 running/);
  });
});
