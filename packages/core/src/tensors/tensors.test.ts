import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/init-backend.js';
import { TensorLeakError, withLeakCheck, withLeakCheckSync } from './leak-check.js';
import { fromFloat32Array, fromInt32Array, toFloat32Array, toInt32Array, uint8ToUnitFloat } from './typed-arrays.js';

describe('tensor hygiene helpers', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('withLeakCheck passes clean code and returns its value', async () => {
    const v = await withLeakCheck(async () => tf.tidy(() => tf.ones([3]).sum().dataSync()[0]));
    expect(v).toBe(3);
    expect(withLeakCheckSync(() => 7)).toBe(7);
  });

  it('withLeakCheck names the leak', async () => {
    let leaked: tf.Tensor | undefined;
    await expect(
      withLeakCheck(() => {
        leaked = tf.ones([2]);
      }, 'leaky step'),
    ).rejects.toThrow(/leaky step: 1 tensor\(s\) leaked/);
    leaked?.dispose();
    expect(() => withLeakCheckSync(() => tf.zeros([1]))).toThrow(TensorLeakError);
  });

  it('round-trips typed arrays and checks sizes', () => {
    withLeakCheckSync(() => {
      const t = fromFloat32Array(new Float32Array([1, 2, 3, 4]), [2, 2]);
      expect(t.shape).toEqual([2, 2]);
      expect([...toFloat32Array(t)]).toEqual([1, 2, 3, 4]);
      const i = fromInt32Array(new Int32Array([5, 6]), [2]);
      expect(i.dtype).toBe('int32');
      expect([...toInt32Array(i)]).toEqual([5, 6]);
      tf.dispose([t, i]);
    });
    expect(() => fromFloat32Array(new Float32Array(3), [2, 2])).toThrow(/shape: expected dimensions whose product is the 3 values/);
  });

  it('normalises pixels into a reusable buffer', () => {
    const out = new Float32Array(4);
    const r = uint8ToUnitFloat(new Uint8Array([0, 255, 51]), out);
    expect(r).toBe(out);
    expect([...r.subarray(0, 3)].map((x) => Math.round(x * 100) / 100)).toEqual([0, 1, 0.2]);
    expect(() => uint8ToUnitFloat(new Uint8Array(5), new Float32Array(2))).toThrow(/out.length/);
  });
});
