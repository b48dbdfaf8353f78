import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './init-backend.js';
import { readFloat32 } from './heap-view.js';
import { InvalidArgumentError } from '../errors/retain-error.js';
import { withLeakCheckSync } from '../tensors/leak-check.js';

describe('readFloat32', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('reads the same values as dataSync, on wasm without a copy', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const input = Float32Array.from(values);
        withLeakCheckSync(() => {
          const t = tf.tensor(input, [input.length], 'float32');
          const sum = readFloat32(t, (v) => {
            expect(Array.from(v)).toEqual(Array.from(input));
            return v.reduce((a, b) => a + b, 0);
          });
          expect(sum).toBe(input.reduce((a, b) => a + b, 0));
          t.dispose();
        });
      }),
      { numRuns: 30 },
    );
  });

  it('sees a tensor made by a kernel (an output in the heap) and a view of a reshaped tensor', () => {
    withLeakCheckSync(() => {
      const t = tf.tidy(() => tf.reshape(tf.add(tf.tensor([1, 2, 3, 4]), 1), [2, 2]));
      expect(readFloat32(t, (v) => Array.from(v))).toEqual([2, 3, 4, 5]);
      t.dispose();
    });
  });

  it('works on the cpu backend through dataSync', async () => {
    await initBackend('cpu');
    const t = tf.tensor([5, -1]);
    expect(readFloat32(t, (v) => Array.from(v))).toEqual([5, -1]);
    t.dispose();
    await initBackend('wasm');
  });

  it('rejects int32 and disposed tensors, naming the field', () => {
    const i = tf.tensor([1, 2], [2], 'int32');
    expect(() => readFloat32(i, () => 0)).toThrow(InvalidArgumentError);
    expect(() => readFloat32(i, () => 0)).toThrow(/tensor\.dtype/);
    i.dispose();
    const d = tf.tensor([1]);
    d.dispose();
    expect(() => readFloat32(d, () => 0)).toThrow(InvalidArgumentError);
  });
});
