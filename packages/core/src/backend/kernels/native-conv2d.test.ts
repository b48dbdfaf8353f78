import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../init-backend.js';
import { loadNativeBlas } from '../native-blas/load-native-blas.js';
import { Rng } from '../../random/rng.js';
import { expectClose, onAll, values } from './backend-parity.test-support.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** [x shape, filter shape, stride, pad, dilation] */
const CASES: [number[], number[], number, Pad, number][] = [
  [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'valid', 1],
  [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'same', 1],
  [[1, 10, 7, 2], [3, 3, 2, 5], 2, 'same', 1],
  [[3, 11, 11, 4], [5, 5, 4, 2], 2, 'valid', 1],
  [[2, 8, 8, 6], [1, 1, 6, 3], 1, 'valid', 1], // pointwise: no patch matrix
  [[2, 12, 12, 2], [3, 3, 2, 3], 1, 'same', 2], // dilated (forward only)
  [[2, 7, 7, 3], [3, 3, 3, 2], 1, [[0, 0], [2, 1], [0, 1], [0, 0]], 1], // explicit padding
  [[4, 28, 28, 1], [3, 3, 1, 32], 1, 'valid', 1], // cnn-small's first layer
];

describe.runIf('addon' in loadNativeBlas())('native BLAS convolutions', () => {
  beforeAll(async () => {
    const info = await initBackend('wasm', { nativeBlas: 'on' });
    expect(info.nativeBlas.kernels).toContain('Conv2DBackpropFilter');
  });

  it.each(CASES)('conv2d x %j filter %j stride %i pad %j dilation %i and its gradients match cpu', async (xShape, fShape, stride, pad, dilation) => {
    const rng = Rng.fromSeed(xShape.reduce((a, b) => a + b, 0));
    const x = values(rng, xShape);
    const f = values(rng, fShape);
    const forward = await onAll(() =>
      tf.tidy(() => tf.conv2d(tf.tensor4d(x.data, x.shape as [number, number, number, number]), tf.tensor4d(f.data, f.shape as [number, number, number, number]), stride, pad, 'NHWC', dilation)),
    );
    expectClose(forward.native, forward.cpu);
    if (dilation !== 1) return; // tfjs has no gradient for dilated convolutions with strides; keep to what training uses
    const grads = await onAll(() =>
      tf.tidy(() => {
        const [gx, gf] = tf.grads((xs: tf.Tensor, fs: tf.Tensor) =>
          tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, stride, pad).square().sum(),
        )([tf.tensor4d(x.data, x.shape as [number, number, number, number]), tf.tensor4d(f.data, f.shape as [number, number, number, number])]);
        return tf.concat([gx!.flatten(), gf!.flatten()]);
      }),
    );
    expectClose(grads.native, grads.cpu);
    expectClose(grads.wasm, grads.cpu);
  });

  it.each(['linear', 'relu', 'relu6', 'sigmoid', 'leakyrelu', 'elu'] as const)('fused conv2d with a per-channel bias and %s matches cpu', async (activation) => {
    const rng = Rng.fromSeed(21);
    const x = values(rng, [2, 8, 8, 3]);
    const f = values(rng, [3, 3, 3, 4]);
    const bias = values(rng, [4]);
    const { cpu, native } = await onAll(() =>
      tf.tidy(() =>
        tf.fused.conv2d({
          x: tf.tensor4d(x.data, [2, 8, 8, 3]),
          filter: tf.tensor4d(f.data, [3, 3, 3, 4]),
          strides: 1,
          pad: 'same',
          bias: tf.tensor1d(bias.data),
          activation,
          leakyreluAlpha: 0.1,
        }),
      ),
    );
    expectClose(native, cpu);
  });
});
