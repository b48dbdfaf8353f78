import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, Rng, tf, withLeakCheckSync } from '@retain/core';
import { EmptyFisherDataError, estimateDiagonalFisher, type FisherDataBatch } from './estimate-fisher.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A softmax regression logits = x W with W [d, classes], as variables map. */
let modelCount = 0;

function linearModel(w: number[][]): { variables: Map<string, tf.Variable>; logitsOf: (x: tf.Tensor) => tf.Tensor; dispose: () => void } {
  const v = tf.tidy(() => tf.variable(tf.tensor2d(w), true, `fisher-test-w-${modelCount++}`));
  return { variables: new Map([['w', v]]), logitsOf: (x) => tf.matMul(x as tf.Tensor2D, v), dispose: () => v.dispose() };
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Exact per-sample squared gradients of -log p(y|x) for logits = x W: dW[i][c] = x_i (p_c - [c = y]). */
function squaredGradient(x: number[], w: number[][], y: number): number[] {
  const classes = w[0]!.length;
  const z = Array.from({ length: classes }, (_, c) => x.reduce((a, xi, i) => a + xi * w[i]![c]!, 0));
  const p = softmax(z);
  return x.flatMap((xi) => p.map((pc, c) => (xi * (pc - (c === y ? 1 : 0))) ** 2));
}

const W = [
  [0.5, -0.2, 0.1],
  [-0.3, 0.4, 0.2],
];
const X = [
  [1, 0.5],
  [-0.5, 2],
  [0.3, -1],
  [2, 1],
];
const Y = [0, 2, 1, 1];

function batchOf(rows: number[][], labels: number[]): FisherDataBatch {
  return { x: Float32Array.from(rows.flat()), y: Int32Array.from(labels), size: rows.length };
}

describe('estimateDiagonalFisher', () => {
  it('empirical: the mean of exact per-sample squared gradients (worked example)', () => {
    const model = linearModel(W);
    withLeakCheckSync(() => {
      const { fisher, samples } = estimateDiagonalFisher(model.logitsOf, model.variables, [batchOf(X.slice(0, 3), Y.slice(0, 3)), batchOf(X.slice(3), Y.slice(3))], [2], {
        kind: 'empirical',
      });
      expect(samples).toBe(4);
      const expected = new Array<number>(6).fill(0);
      X.forEach((x, n) => squaredGradient(x, W, Y[n]!).forEach((g, i) => (expected[i]! += g / 4)));
      Array.from(fisher.get('w')!).forEach((f, i) => expect(f).toBeCloseTo(expected[i]!, 5));
    });
    model.dispose();
  });

  it('true: approaches E_{y ~ p}[g^2] with labels drawn from the model', () => {
    const model = linearModel(W);
    withLeakCheckSync(() => {
      const x = X[1]!;
      const reps = 1000;
      const rows = Array.from({ length: reps }, () => x);
      const { fisher } = estimateDiagonalFisher(model.logitsOf, model.variables, [batchOf(rows, new Array<number>(reps).fill(0))], [2], {
        kind: 'true',
        rng: Rng.fromSeed(3),
        microBatchSize: 1,
      });
      const p = softmax([0, 1, 2].map((c) => x[0]! * W[0]![c]! + x[1]! * W[1]![c]!));
      const exact = new Array<number>(6).fill(0);
      p.forEach((py, y) => squaredGradient(x, W, y).forEach((g, i) => (exact[i]! += py * g)));
      // The empirical Fisher with label 0 differs clearly from the true one here.
      const empirical = squaredGradient(x, W, 0);
      Array.from(fisher.get('w')!).forEach((f, i) => {
        expect(Math.abs(f - exact[i]!)).toBeLessThan(0.1 * exact[i]! + 1e-3);
      });
      expect(Math.abs(empirical[0]! - exact[0]!)).toBeGreaterThan(0.1 * exact[0]!);
    });
    model.dispose();
  });

  it('micro-batches weight each squared mean gradient by its size; maxSamples caps the samples', () => {
    const model = linearModel(W);
    withLeakCheckSync(() => {
      // Identical samples: m * (mean gradient)^2 = m * g^2, so any micro-batch size gives the per-sample value.
      const rows = Array.from({ length: 6 }, () => X[0]!);
      const data = [batchOf(rows, new Array<number>(6).fill(Y[0]!))];
      const one = estimateDiagonalFisher(model.logitsOf, model.variables, data, [2], { kind: 'empirical' });
      const four = estimateDiagonalFisher(model.logitsOf, model.variables, data, [2], { kind: 'empirical', microBatchSize: 4 });
      Array.from(four.fisher.get('w')!).forEach((f, i) => expect(f).toBeCloseTo(one.fisher.get('w')![i]!, 5));
      const capped = estimateDiagonalFisher(model.logitsOf, model.variables, [batchOf(X, Y), batchOf(X, Y)], [2], { kind: 'empirical', maxSamples: 5 });
      expect(capped.samples).toBe(5);
    });
    model.dispose();
  });

  it('rejects bad options and empty data, leaking nothing', () => {
    const model = linearModel(W);
    withLeakCheckSync(() => {
      const data = [batchOf(X, Y)];
      expect(() => estimateDiagonalFisher(model.logitsOf, model.variables, data, [2], { kind: 'true' })).toThrow(InvalidArgumentError);
      expect(() => estimateDiagonalFisher(model.logitsOf, model.variables, data, [2], { kind: 'empirical', microBatchSize: 0 })).toThrow(InvalidArgumentError);
      expect(() => estimateDiagonalFisher(model.logitsOf, model.variables, data, [2], { kind: 'empirical', maxSamples: 1.5 })).toThrow(InvalidArgumentError);
      expect(() => estimateDiagonalFisher(model.logitsOf, model.variables, [], [2], { kind: 'empirical' })).toThrow(EmptyFisherDataError);
      expect(() => estimateDiagonalFisher(model.logitsOf, model.variables, [{ x: new Float32Array(3), y: new Int32Array(2), size: 2 }], [2], { kind: 'empirical' })).toThrow(
        InvalidArgumentError,
      );
    });
    model.dispose();
  });
});
