import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../init-backend.js';
import { Rng } from '../../random/rng.js';
import { expectClose } from './backend-parity.test-support.js';

/** Runs `fn` on the cpu backend and on wasm (with our kernels) and returns both results. */
async function onBoth(fn: () => tf.Tensor): Promise<{ cpu: Float32Array; wasm: Float32Array; shapes: number[][] }> {
  await tf.setBackend('cpu');
  const c = fn();
  const cpu = Float32Array.from(c.dataSync());
  const cShape = c.shape;
  c.dispose();
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const w = fn();
  const wasm = Float32Array.from(w.dataSync());
  const wShape = w.shape;
  w.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { cpu, wasm, shapes: [cShape, wShape] };
}


function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-1, 1);
  return tf.tensor(v, shape);
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    // retain's wasm kernels themselves: the native BLAS path has its own tests (native-mat-mul.test.ts).
    const info = await initBackend('wasm', { nativeBlas: 'off' });
    expect(info.trainingKernels).toContain('Conv2DBackpropFilter');
    expect(info.nativeBlas.active).toBe(false);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('BatchMatMul transposeA=%s transposeB=%s matches cpu (rank 2 and 3)', async (ta, tb) => {
    const rng = Rng.fromSeed(7);
    for (const [batch, m, k, n] of [
      [0, 5, 7, 3],
      [0, 1, 1, 1],
      [2, 33, 17, 9],
      [3, 4, 64, 1],
      [0, 2, 50, 300], // dX = dY W^T shape: the swapped form avoids transposing W
      [0, 300, 2, 1], // A^T B with a tiny B: swapped form
      [2, 3, 40, 200],
    ] as const) {
      const lead = batch === 0 ? [] : [batch];
      const aVals = randomTensor(rng, [...lead, ta ? k : m, ta ? m : k]);
      const bVals = randomTensor(rng, [...lead, tb ? n : k, tb ? k : n]);
      const aData = aVals.dataSync().slice();
      const bData = bVals.dataSync().slice();
      const aShape = aVals.shape;
      const bShape = bVals.shape;
      aVals.dispose();
      bVals.dispose();
      const { cpu, wasm } = await onBoth(() =>
        tf.tidy(() => tf.matMul(tf.tensor(aData, aShape), tf.tensor(bData, bShape), ta, tb)),
      );
      expectClose(wasm, cpu);
    }
  });

  it('fused matmul with transposes, bias and relu matches cpu', async () => {
    const rng = Rng.fromSeed(3);
    const a = randomTensor(rng, [12, 20]);
    const b = randomTensor(rng, [7, 12]);
    const bias = randomTensor(rng, [7]);
    const [aD, bD, biasD] = [a.dataSync().slice(), b.dataSync().slice(), bias.dataSync().slice()];
    tf.dispose([a, b, bias]);
    const { cpu, wasm } = await onBoth(() =>
      tf.tidy(() =>
        tf.fused.matMul({ a: tf.tensor(aD, [12, 20]), b: tf.tensor(bD, [7, 12]), transposeA: true, transposeB: true, bias: tf.tensor(biasD, [7]), activation: 'relu' }),
      ),
    );
    expectClose(wasm, cpu);
  });

  type Shape4 = [number, number, number, number];
  const convCases: { name: string; x: Shape4; f: Shape4; stride: number; pad: 'same' | 'valid' }[] = [
    { name: 'stride 1 same', x: [2, 9, 9, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { name: 'stride 1 valid', x: [2, 8, 7, 2], f: [3, 3, 2, 5], stride: 1, pad: 'valid' },
    { name: 'stride 2 same odd', x: [3, 11, 9, 2], f: [3, 3, 2, 3], stride: 2, pad: 'same' },
    { name: 'stride 2 valid', x: [2, 10, 10, 3], f: [4, 4, 3, 2], stride: 2, pad: 'valid' },
    { name: 'batch 1, 1x1', x: [1, 5, 5, 4], f: [1, 1, 4, 6], stride: 1, pad: 'same' },
    { name: 'batch 1, even kernel same', x: [1, 7, 6, 1], f: [2, 2, 1, 3], stride: 1, pad: 'same' },
    { name: 'stride 2 kernel 2', x: [2, 8, 8, 3], f: [2, 2, 3, 4], stride: 2, pad: 'valid' },
  ];

  it.each(convCases)('conv2d gradients ($name) match cpu', async ({ x, f, stride, pad }) => {
    const rng = Rng.fromSeed(11);
    const xT = randomTensor(rng, x);
    const fT = randomTensor(rng, f);
    const [xD, fD] = [xT.dataSync().slice(), fT.dataSync().slice()];
    tf.dispose([xT, fT]);
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(x) as tf.Tensor4D, tf.zeros(f) as tf.Tensor4D, stride, pad).shape);
    const dyT = randomTensor(rng, outShape);
    const dyD = dyT.dataSync().slice();
    dyT.dispose();
    const grads = (which: 0 | 1) => () =>
      tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad));
        return g([tf.tensor(xD, x), tf.tensor(fD, f)], tf.tensor(dyD, outShape))[which]!;
      });
    const dFilter = await onBoth(grads(1));
    expect(dFilter.shapes[1]).toEqual(f);
    expectClose(dFilter.wasm, dFilter.cpu);
    const dInput = await onBoth(grads(0));
    expect(dInput.shapes[1]).toEqual(x);
    expectClose(dInput.wasm, dInput.cpu);
  });

  const poolCases: { name: string; x: Shape4; size: number; stride: number; pad: 'same' | 'valid'; relu: boolean; ties?: boolean }[] = [
    { name: '2x2 stride 2, even', x: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid', relu: false },
    { name: '2x2 stride 2, odd size (dropped row/col)', x: [2, 11, 11, 4], size: 2, stride: 2, pad: 'valid', relu: false },
    { name: 'ties go to the first maximum', x: [3, 6, 6, 5], size: 2, stride: 2, pad: 'valid', relu: false, ties: true },
    { name: 'after relu', x: [2, 6, 6, 3], size: 2, stride: 2, pad: 'valid', relu: true },
    { name: 'overlapping 3x3 stride 2 same', x: [2, 9, 7, 3], size: 3, stride: 2, pad: 'same', relu: true },
    { name: 'batch 1, 3x3 stride 1 same', x: [1, 5, 5, 2], size: 3, stride: 1, pad: 'same', relu: false },
  ];

  it.each(poolCases)('maxPool gradient ($name) matches cpu', async ({ x, size, stride, pad, relu, ties }) => {
    const rng = Rng.fromSeed(5);
    const xT = randomTensor(rng, x);
    // With ties, values in {-1, 0, 1}: most windows hold several maxima.
    const xD = xT.dataSync().map((v) => (ties ? Math.round(v) : v));
    xT.dispose();
    const outShape = tf.tidy(() => tf.maxPool(tf.zeros(x) as tf.Tensor4D, size, stride, pad).shape);
    const dyT = randomTensor(rng, outShape);
    const dyD = dyT.dataSync().slice();
    dyT.dispose();
    const grad = () =>
      tf.tidy(() => {
        const g = tf.grad((a: tf.Tensor) => tf.maxPool((relu ? tf.relu(a) : a) as tf.Tensor4D, size, stride, pad));
        return g(tf.tensor(xD, x), tf.tensor(dyD, outShape));
      });
    const { cpu, wasm, shapes } = await onBoth(grad);
    expect(shapes[1]).toEqual(x);
    expectClose(wasm, cpu);
  });
});

describe('wasm Sum over every axis but the last', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
    { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: false }, // small: stock kernel
    { shape: [16, 26, 26, 8], axis: [0, 1, 2], keepDims: false }, // NHWC bias gradient: pooled
    { shape: [9, 11, 11, 64], axis: [2, 0, 1], keepDims: true },
    { shape: [300, 7, 40], axis: [0, 1], keepDims: false }, // rank 3: pooled as [1,P,1,C]
    { shape: [2000, 40], axis: 0, keepDims: true },
    { shape: [6, 5, 4, 3], axis: [2, 0, 1], keepDims: true },
    { shape: [33, 7], axis: 0, keepDims: false }, // dense bias gradient
    { shape: [33, 7], axis: -2, keepDims: true },
    { shape: [1, 1, 9], axis: [0, 1], keepDims: false },
    { shape: [4, 5, 6], axis: [0, 2], keepDims: false }, // not leading: stock kernel
    { shape: [4, 5, 6], axis: -1, keepDims: false },
    { shape: [8], axis: 0, keepDims: false },
  ];
  it.each(cases)('sum of $shape over $axis (keepDims $keepDims) matches cpu', async ({ shape, axis, keepDims }) => {
    const rng = Rng.fromSeed(13);
    const t = randomTensor(rng, shape);
    const data = t.dataSync().slice();
    t.dispose();
    const { cpu, wasm, shapes } = await onBoth(() => tf.tidy(() => tf.sum(tf.tensor(data, shape), axis, keepDims)));
    expect(shapes[1]).toEqual(shapes[0]);
    expectClose(wasm, cpu);
  });

  it('int32 sums keep their dtype and value', () => {
    const s = tf.tidy(() => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([4, 6]);
    s.dispose();
  });

  it('the fused dense and conv gradients (bias through Sum) match cpu', async () => {
    const rng = Rng.fromSeed(17);
    const x = randomTensor(rng, [3, 6, 6, 2]);
    const f = randomTensor(rng, [3, 3, 2, 4]);
    const b = randomTensor(rng, [4]);
    const [xD, fD, bD] = [x.dataSync().slice(), f.dataSync().slice(), b.dataSync().slice()];
    tf.dispose([x, f, b]);
    const { cpu, wasm } = await onBoth(() =>
      tf.tidy(() => {
        const g = tf.grads((bias: tf.Tensor) =>
          tf.sum(tf.fused.conv2d({ x: tf.tensor(xD, [3, 6, 6, 2]) as tf.Tensor4D, filter: tf.tensor(fD, [3, 3, 2, 4]) as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' })),
        );
        return g([tf.tensor(bD, [4])])[0]!;
      }),
    );
    expectClose(wasm, cpu);
  });
});

describe('shared Identity on wasm', () => {
  it('a clone shares its source memory, outlives the source, and frees it with the last reference', async () => {
    await initBackend('wasm', { nativeBlas: 'off' });
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { refCount(dataId: object): number };
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    expect(backend.refCount(y.dataId)).toBe(1);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Gradients through the tape's saved identities are unchanged.
    const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), a)))(tf.tensor1d([-1, 2, 3])).arraySync());
    expect(g).toEqual([0, 4, 6]);
  });
});
