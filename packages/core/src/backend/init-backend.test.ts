import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './init-backend.js';
import { BackendUnavailableError } from './backend-choice.js';
import { InvalidArgumentError } from '../errors/retain-error.js';

describe('initBackend', () => {
  it('starts wasm with SIMD and registers the training kernels', async () => {
    const info = await initBackend('wasm');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('registering twice is harmless', async () => {
    await initBackend('wasm');
    const again = await initBackend('wasm');
    expect(again.trainingKernels).toHaveLength(7);
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 3]), false, true).arraySync());
    expect(y).toEqual([
      [3, 3, 3, 3],
      [3, 3, 3, 3],
    ]);
  });

  it('auto explains its pick; here the native backends are absent', async () => {
    const info = await initBackend('auto');
    expect(info.requested).toBe('auto');
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(info.name);
    expect(info.reason).toMatch(/^auto: picked '/);
    if (info.name === 'wasm') expect(info.reason).toContain('npm install @tensorflow/tfjs-node');
  });

  it('cpu works', async () => {
    const info = await initBackend('cpu');
    expect(info.name).toBe('cpu');
    await initBackend('wasm');
  });

  it('a missing native backend gives a one-line install hint', async () => {
    let hasNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      hasNode = false;
    }
    if (hasNode) return;
    const error = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain('npm install @tensorflow/tfjs-node@4.22.0');
    expect(message.split('\n')).toHaveLength(1);
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('rejects an unknown choice naming the field', async () => {
    await expect(initBackend('webgpu' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(initBackend('webgpu' as never)).rejects.toThrow(/backend: expected one of auto/);
  });
});
