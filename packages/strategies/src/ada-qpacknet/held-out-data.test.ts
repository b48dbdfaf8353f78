import { Rng, initBackend, tf, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArraySplit } from '../testing/array-split.js';
import { heldOutData } from './held-out-data.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Sample i has the single feature i and label i % 3. */
function experience(n: number, validation?: number): Experience {
  const split = (from: number, count: number): ArraySplit =>
    new ArraySplit(Float32Array.from({ length: count }, (_, i) => from + i), Int32Array.from({ length: count }, (_, i) => (from + i) % 3), [1]);
  return {
    index: 0,
    taskId: 0,
    classes: [0, 1, 2],
    numClasses: 3,
    description: 'ids',
    train: split(0, n),
    test: split(n, 10),
    ...(validation !== undefined ? { validation: split(n + 10, validation) } : {}),
  };
}

describe('heldOutData', () => {
  it('holds out a seeded part of the training split and trains on exactly the rest, in full batches', async () => {
    await withLeakCheck(() => {
      const held = heldOutData(experience(103), { fraction: 0.2, maxSamples: 1000 }, Rng.fromSeed(3));
      expect(held.source).toBe('training-holdout');
      expect(held.size).toBe(21);
      expect(held.training.size).toBe(82);
      expect(held.training.numBatches(16)).toBe(6);
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const b of held.training.batches(16, Rng.fromSeed(1))) {
        seen.push(...(b.x.dataSync() as Float32Array));
        const labels = b.y.dataSync() as Int32Array;
        expect(Array.from(labels)).toEqual(Array.from(b.x.dataSync(), (v) => v % 3));
        sizes.push(b.size);
        b.x.dispose();
        b.y.dispose();
      }
      expect(sizes).toEqual([16, 16, 16, 16, 16, 2]);
      expect(new Set(seen).size).toBe(82);
      // The held-out samples are the other 21: an oracle that predicts the label from the feature gets them all right,
      // one that predicts class 0 only the ids that are multiples of 3 among them.
      const oracle = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.oneHot(tf.cast(tf.mod(tf.squeeze(x, [1]), 3), 'int32'), 3));
      expect(held.accuracy(oracle, 8)).toBe(1);
      const heldIds = Array.from({ length: 103 }, (_, i) => i).filter((i) => !seen.includes(i));
      const zeros = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.oneHot(tf.zeros([x.shape[0] ?? 0], 'int32'), 3));
      expect(held.accuracy(zeros, 5)).toBeCloseTo(heldIds.filter((i) => i % 3 === 0).length / 21, 12);
      // Same seed, same held-out part.
      const again = heldOutData(experience(103), { fraction: 0.2, maxSamples: 1000 }, Rng.fromSeed(3));
      const again1: number[] = [];
      for (const b of again.training.batches(100, undefined)) {
        again1.push(...(b.x.dataSync() as Float32Array));
        b.x.dispose();
        b.y.dispose();
      }
      expect(again1).toEqual([...seen].sort((a, b) => a - b));
    });
  });

  it('uses the validation split when there is one, and caps the held-out part', () => {
    const held = heldOutData(experience(50, 7), { fraction: 0.5, maxSamples: 3 }, Rng.fromSeed(0));
    expect(held.source).toBe('validation');
    expect(held.size).toBe(7);
    expect(held.training.size).toBe(50);
    expect(heldOutData(experience(50), { fraction: 0.5, maxSamples: 3 }, Rng.fromSeed(0)).size).toBe(3);
    expect(() => heldOutData(experience(1), { fraction: 0.5, maxSamples: 3 }, Rng.fromSeed(0))).toThrow(/held-out part/);
  });
});
