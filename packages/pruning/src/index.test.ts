// The README's examples, run through the package's public face.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf, withLeakCheck } from '@retain/core';
import {
  magnitudePrune,
  magnitudePruneGlobal,
  pruneBySaliencyGlobal,
  samSaliency,
  searchLayerSparsity,
  selectTopK,
  sharpnessSaliency,
  topCScoreMask,
  wsnMaskedWeight,
} from './index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('README examples', () => {
  it('magnitude pruning, per layer and global', () => {
    const kept = magnitudePrune(new Float32Array([0.1, -3, 2, 0.5]), { keepFraction: 0.5, eligible: [0, 2, 3] });
    expect([...kept]).toEqual([0, 0, 1, 1]);
    const masks = magnitudePruneGlobal(
      { fc1: { weights: new Float32Array([0.3, -0.05, 0.8]) }, fc2: { weights: new Float32Array([-0.6, 0.1]), eligible: new Uint8Array([1, 0]) } },
      0.5,
    );
    expect([...masks.fc1!]).toEqual([0, 0, 1]);
    expect([...masks.fc2!]).toEqual([1, 0]);
    expect([...selectTopK(new Float32Array([5, -7, 1]), 1, { rankBy: 'value' })]).toEqual([1, 0, 0]);
  });

  it('adaptive sparsity search', async () => {
    const result = await searchLayerSparsity(async (keep) => 0.9 - 0.5 * Math.abs(keep.fc1! - 0.5), {
      layers: { fc1: 78_400, fc2: 10_000 },
      rng: Rng.fromSeed(7).stream('search'),
      generations: 3,
    });
    expect(result.log).toHaveLength(6);
    expect(result.fitness).toBe(Math.max(...result.log.map((e) => e.fitness)));
  });

  it('WSN and EsaCL', async () => {
    await withLeakCheck(() => {
      const w = tf.tidy(() => tf.variable(tf.tensor2d([[0.5, -1], [2, 0.1]]), true, 'readme-w'));
      const scores = tf.tidy(() => tf.variable(tf.tensor2d([[0.9, 0.1], [-0.4, 0.2]]), true, 'readme-s'));
      const mask = topCScoreMask(scores, 0.5);
      expect([...mask.dataSync()]).toEqual([1, 0, 1, 0]);
      const { value, grads } = tf.variableGrads(() => tf.sum(wsnMaskedWeight(w, scores, 0.5)) as tf.Scalar, [w, scores]);
      expect([...grads['readme-w']!.dataSync()]).toEqual([1, 0, 1, 0]);
      expect([...grads['readme-s']!.dataSync()]).toEqual([0.5, -1, 2, 0.10000000149011612]);
      const loss = () => tf.tidy(() => tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar);
      const { scores: saliency } = samSaliency(loss, [w], { rho: 0.05 });
      const kept = pruneBySaliencyGlobal({ w: { scores: saliency[0]! } }, 0.5);
      expect(kept.w!.reduce((a, b) => a + b, 0)).toBe(2);
      expect([...sharpnessSaliency(new Float32Array([2, -1]), new Float32Array([0.5, 3]))]).toEqual([1.5, 7.5]);
      tf.dispose([mask, value, ...Object.values(grads), w, scores]);
    });
  });
});
