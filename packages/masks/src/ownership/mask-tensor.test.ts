import { initBackend, tf, withLeakCheck } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OwnershipMap } from './ownership-map.js';
import { maskToTensor } from './mask-tensor.js';

describe('maskToTensor', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('turns a visible mask into a 0/1 tensor that masks a weight', async () => {
    await withLeakCheck(async () => {
      const map = new OwnershipMap([{ name: 'kernel', shape: [2, 3] }]);
      map.claim(1, 'kernel', [1, 0, 1, 0, 0, 1], 32);
      const mask = maskToTensor(map.visible(1, 'kernel', 'nested'), [2, 3]);
      const weights = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const effective = tf.mul(weights, mask);
      expect(mask.dtype).toBe('float32');
      expect(mask.shape).toEqual([2, 3]);
      expect(Array.from(await effective.data())).toEqual([1, 0, 3, 0, 0, 6]);
      tf.dispose([mask, weights, effective]);
    });
  });

  it('refuses a shape of another size', () => {
    const map = new OwnershipMap([{ name: 'k', shape: [4] }]);
    expect(() => maskToTensor(map.visible(1, 'k', 'nested'), [5])).toThrow(/shape/);
  });
});
