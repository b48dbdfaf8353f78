import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, Rng, tf } from '@retain/core';
import { ManagedOptimizer } from './optimizer.js';

function random(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

describe('ManagedOptimizer', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it("Adam follows tfjs' AdamOptimizer step for step (two variables, a learning-rate change) and frees its state", () => {
    const rng = Rng.fromSeed(2);
    const init = [random(rng, 300), random(rng, 7)];
    const grads = Array.from({ length: 6 }, () => [random(rng, 300, 0.1), random(rng, 7, 0.1)]);
    const before = tf.memory().numTensors;
    const ours = init.map((v, i) => tf.variable(tf.tensor1d(v), true, `ours-${i}`));
    const theirs = init.map((v, i) => tf.variable(tf.tensor1d(v), true, `theirs-${i}`));
    const managed = new ManagedOptimizer({ kind: 'adam', learningRate: 1e-2 });
    const reference = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
    grads.forEach((step, s) => {
      if (s === 3) {
        managed.setLearningRate(5e-3);
        (reference as unknown as { learningRate: number }).learningRate = 5e-3;
      }
      const tensors = step.map((g) => tf.tensor1d(g));
      managed.apply(ours.map((v, i) => ({ name: v.name, tensor: tensors[i] as tf.Tensor })));
      reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: tensors[i] as tf.Tensor })));
      tf.dispose(tensors);
    });
    expect(managed.steps).toBe(6);
    ours.forEach((v, i) => {
      const a = v.dataSync();
      const b = (theirs[i] as tf.Variable).dataSync();
      for (let j = 0; j < a.length; j++) expect(Math.abs((a[j] ?? 0) - (b[j] ?? 0))).toBeLessThan(1e-6);
    });
    const withReference = tf.memory().numTensors;
    managed.dispose();
    tf.dispose(ours);
    // ours: its two moments per variable and the variables are gone.
    expect(tf.memory().numTensors).toBe(withReference - 3 * ours.length);
    reference.dispose();
    tf.dispose(theirs);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(before);
  });

  it('names an unknown variable', () => {
    const managed = new ManagedOptimizer({ kind: 'adam', learningRate: 1e-3 });
    const g = tf.zeros([2]);
    expect(() => managed.apply([{ name: 'no-such-variable', tensor: g }])).toThrow(InvalidArgumentError);
    expect(() => managed.apply([{ name: 'no-such-variable', tensor: g }])).toThrow(/no-such-variable/);
    g.dispose();
    managed.dispose();
  });

  it('SGD with momentum stays tfjs own optimiser', () => {
    const managed = new ManagedOptimizer({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 });
    expect(managed.optimizer).toBeDefined();
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'sgd-v');
    const g = tf.tensor1d([1, -1]);
    managed.apply([{ name: v.name, tensor: g }]);
    expect(Array.from(v.dataSync())).toEqual([Math.fround(0.9), Math.fround(2.1)]);
    tf.dispose([v, g]);
    managed.dispose();
  });
});
