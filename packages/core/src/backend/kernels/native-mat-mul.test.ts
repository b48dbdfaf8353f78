import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../init-backend.js';
import { loadNativeBlas, type NativeBlasAddon } from '../native-blas/load-native-blas.js';
import { installNativeBlasKernels, NativeBlasUnavailableError, resolveNativeBlasMode, setNativeBlasKernels } from '../native-blas/native-blas-kernels.js';
import { InvalidArgumentError } from '../../errors/retain-error.js';
import { Rng } from '../../random/rng.js';
import { expectClose, onAll, values } from './backend-parity.test-support.js';

const load = loadNativeBlas();
const available = 'addon' in load;
/** CI builds the addon and sets this, so its tests cannot be skipped there unnoticed. */
const required = process.env['RETAIN_REQUIRE_NATIVE_BLAS'] === '1';

describe('native BLAS addon', () => {
  it('is built and finds a BLAS where CI asks for it (RETAIN_REQUIRE_NATIVE_BLAS=1)', () => {
    if (required) expect(load).toHaveProperty('addon');
    if (!available) expect((load as { reason: string }).reason).toMatch(/not built|did not load|need/);
  });

  it('resolves the mode from the option, then RETAIN_NATIVE_BLAS, then auto; rejects others', () => {
    const saved = process.env['RETAIN_NATIVE_BLAS'];
    try {
      delete process.env['RETAIN_NATIVE_BLAS'];
      expect(resolveNativeBlasMode(undefined)).toBe('auto');
      process.env['RETAIN_NATIVE_BLAS'] = 'off';
      expect(resolveNativeBlasMode(undefined)).toBe('off');
      expect(resolveNativeBlasMode('on')).toBe('on');
      process.env['RETAIN_NATIVE_BLAS'] = 'fast';
      expect(() => resolveNativeBlasMode(undefined)).toThrow(/RETAIN_NATIVE_BLAS: expected one of auto, on, off, got .?fast/);
      expect(() => resolveNativeBlasMode('yes' as 'on')).toThrow(InvalidArgumentError);
    } finally {
      if (saved === undefined) delete process.env['RETAIN_NATIVE_BLAS'];
      else process.env['RETAIN_NATIVE_BLAS'] = saved;
    }
  });

  it('initBackend validates nativeBlasThreads', async () => {
    await expect(initBackend('wasm', { nativeBlasThreads: 0 })).rejects.toThrow(/nativeBlasThreads.*\[1, 64\]/);
    await expect(initBackend('wasm', { nativeBlasThreads: 1.5 })).rejects.toThrow(InvalidArgumentError);
  });

  it("'on' with a threaded wasm heap is a typed error; 'auto' keeps the wasm kernels and says why", async () => {
    await initBackend('wasm', { nativeBlas: 'off' });
    expect(() => installNativeBlasKernels('on', 1, 2)).toThrow(NativeBlasUnavailableError);
    const status = installNativeBlasKernels('auto', 1, 2);
    expect(status.active).toBe(false);
    expect(status.reason).toMatch(/shared memory with 2 wasm threads/);
  });
});

describe.runIf(available)('native BLAS matrix products', () => {
  beforeAll(async () => {
    const info = await initBackend('wasm', { nativeBlas: 'on' });
    expect(info.nativeBlas.active).toBe(true);
    expect(info.nativeBlas.kernels).toEqual(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'RetainAdamUpdate']);
    expect(info.nativeBlas.library).toMatch(/blas|mkl|blis|Accelerate/i);
    if (info.nativeBlas.threads !== undefined) expect(info.nativeBlas.threads).toBe(1);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('BatchMatMul transposeA=%s transposeB=%s matches cpu (rank 2, 3, 4 and broadcast batches)', async (ta, tb) => {
    const rng = Rng.fromSeed(11);
    for (const [outerA, outerB, m, k, n] of [
      [[], [], 5, 7, 3],
      [[], [], 1, 1, 1],
      [[], [], 128, 784, 400],
      [[2], [2], 33, 17, 9],
      [[3], [], 4, 64, 1],
      [[], [3], 6, 5, 4],
      [[2, 3], [2, 3], 3, 8, 5],
      [[1], [4], 7, 3, 2],
    ] as const) {
      const a = values(rng, [...outerA, ta ? k : m, ta ? m : k]);
      const b = values(rng, [...outerB, tb ? n : k, tb ? k : n]);
      const { cpu, wasm, native } = await onAll(() => tf.tidy(() => tf.matMul(tf.tensor(a.data, a.shape), tf.tensor(b.data, b.shape), ta, tb)));
      expectClose(native, cpu);
      expectClose(wasm, cpu);
    }
  });

  it.each(['linear', 'relu', 'relu6', 'sigmoid', 'leakyrelu', 'elu', 'prelu'] as const)(
    'fused matmul with bias and %s matches cpu (rank-1 bias as wasm takes; elu and prelu through the fallback)',
    async (activation) => {
      const rng = Rng.fromSeed(5);
      // A one-element bias only natively: stock wasm's fused matmul reads N bias values.
      const oneBias = activation === 'elu' || activation === 'prelu' ? 9 : 1;
      for (const [ta, tb, biasShape] of [
        [false, false, [9]],
        [true, true, [9]],
        [false, true, [oneBias]],
        [true, false, [oneBias]],
      ] as const) {
        const a = values(rng, ta ? [20, 12] : [12, 20]);
        const b = values(rng, tb ? [9, 20] : [20, 9]);
        const bias = values(rng, [...biasShape]);
        const alpha = values(rng, [9]);
        const { cpu, native } = await onAll(() =>
          tf.tidy(() =>
            tf.fused.matMul({
              a: tf.tensor(a.data, a.shape),
              b: tf.tensor(b.data, b.shape),
              transposeA: ta,
              transposeB: tb,
              bias: tf.tensor(bias.data, bias.shape),
              activation,
              leakyreluAlpha: 0.1,
              ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor(alpha.data, alpha.shape) } : {}),
            }),
          ),
        );
        expectClose(native, cpu);
      }
    },
  );

  it("a dense layer's gradients match cpu", async () => {
    const rng = Rng.fromSeed(9);
    const x = values(rng, [16, 30]);
    const w = values(rng, [30, 7]);
    const bias = values(rng, [7]);
    const grads = (): tf.Tensor =>
      tf.tidy(() => {
        const [gx, gw, gb] = tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
          tf.fused.matMul({ a: xs as tf.Tensor2D, b: ws as tf.Tensor2D, bias: bs, activation: 'relu' }).square().sum(),
        )([tf.tensor(x.data, x.shape), tf.tensor(w.data, w.shape), tf.tensor(bias.data, bias.shape)]);
        return tf.concat([gx!.flatten(), gw!.flatten(), gb!.flatten()]);
      });
    const { cpu, native } = await onAll(grads);
    expectClose(native, cpu);
  });

  it('the addon checks its arguments before touching memory: count, heap, typed arrays, offsets', () => {
    const addon = (load as { addon: NativeBlasAddon }).addon;
    const heap = new ArrayBuffer(256);
    expect(() => (addon.gemm as unknown as () => void)()).toThrow(/gemm: expected 16 arguments/);
    expect(() => addon.gemm(new Float32Array(4) as unknown as ArrayBuffer, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, -1, 0, 0, 0)).toThrow(/wasm heap's ArrayBuffer/);
    expect(() => addon.gemm(heap, 0, 0, 1024, 1, 4, 4, 4, 0, 0, 0, 0, -1, 0, 0, 0)).toThrow(/outside the wasm heap/);
    expect(() => addon.gemm(heap, 0, 64, 128, 1, 4, 4, 4, 0, 0, 0, 0, 200, 3, 0, 0)).toThrow(/bias must have 1 or N/);
    expect(() => addon.conv(heap, 0, 0, 0, 0, new Int32Array(3), -1, 0, 0, 0)).toThrow(/Int32Array of 15 values/);
    expect(() => addon.adam(heap, new Float64Array(8), 4, new Float64Array(5))).toThrow(/Float64Array of 6 values/);
    expect(() => addon.adam(heap, Float64Array.from([0, 16, 32, 48, -1, 1000, 16, 32]), 4, new Float64Array(6))).toThrow(/operand 5 lies outside/);
  });

  it('reads the wasm heap after it grows between products', async () => {
    await tf.setBackend('wasm');
    setNativeBlasKernels(true);
    const before = tf.memory().numTensors;
    const a = tf.ones([64, 32]);
    const b = tf.ones([32, 16]);
    // ~200 MB of live tensors forces the wasm memory to grow (its ArrayBuffer is replaced).
    const big = Array.from({ length: 6 }, () => tf.zeros([8_000_000]));
    const c = tf.matMul(a, b);
    expect(Array.from(c.dataSync().slice(0, 3))).toEqual([32, 32, 32]);
    tf.dispose([a, b, c, ...big]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
