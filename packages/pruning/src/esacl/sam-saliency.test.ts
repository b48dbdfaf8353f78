import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf, withLeakCheck } from '@retain/core';
import { samGradient, samSaliency } from './sam-saliency.js';
import { sharpnessSaliency } from './saliency.js';

beforeAll(async () => {
  await initBackend('wasm');
});

let counter = 0;
function variable(values: number[], shape: number[], trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable, `sam-test-${counter++}`));
}

/** L(w) = 0.5 * sum(c * w^2) + sum(d * w) over a [3] and a [2, 1] variable: gradient c * w + d. */
const c = [[1, 2, 4], [0.5, 3]];
const d = [[0.1, -0.2, 0], [1, 0]];
function quadratic(vars: tf.Variable[], scale = 1): () => tf.Scalar {
  return () =>
    tf.tidy(() =>
      tf.addN(
        vars.map((v, i) => {
          const flat = tf.reshape(v, [-1]);
          const ci = tf.mul(tf.tensor1d(c[i]!), scale);
          return tf.add(tf.mul(0.5, tf.sum(tf.mul(ci, tf.square(flat)))), tf.sum(tf.mul(tf.tensor1d(d[i]!), flat)));
        }),
      ) as tf.Scalar,
    );
}

function analytic(w: number[][], rho: number, scale = 1) {
  const g = w.map((wi, i) => wi.map((x, j) => scale * c[i]![j]! * x + d[i]![j]!));
  const norm = Math.sqrt(g.flat().reduce((s, x) => s + x * x, 0));
  const e = g.map((gi) => gi.map((x) => (norm > 0 ? (rho * x) / norm : 0)));
  const gAtE = w.map((wi, i) => wi.map((x, j) => scale * c[i]![j]! * (x + e[i]![j]!) + d[i]![j]!));
  const loss = (ws: number[][]) =>
    ws.reduce((s, wi, i) => s + wi.reduce((t, x, j) => t + 0.5 * scale * c[i]![j]! * x * x + d[i]![j]! * x, 0), 0);
  return { g, norm, e, gAtE, loss: loss(w), perturbedLoss: loss(w.map((wi, i) => wi.map((x, j) => x + e[i]![j]!))) };
}

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((x, i) => expect(actual[i]).toBeCloseTo(x, digits));
}

describe('samGradient', () => {
  it('equals the analytic SAM gradient of a quadratic and restores the variables exactly', async () => {
    const w = [[0.5, -1, 2], [3, -0.25]];
    const vars = [variable(w[0]!, [3]), variable(w[1]!, [2, 1])];
    const before = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    const rho = 0.3;
    const result = await withLeakCheck(() => samGradient(quadratic(vars), vars, { rho }));
    const expected = analytic(w, rho);
    expect(result.gradientNorm).toBeCloseTo(expected.norm, 5);
    result.perturbation.forEach((e, i) => expectClose(e, expected.e[i]!));
    result.gradients.forEach((g, i) => expectClose(g, expected.gAtE[i]!));
    expect(result.loss).toBeCloseTo(expected.loss, 4);
    expect(result.perturbedLoss).toBeCloseTo(expected.perturbedLoss, 4);
    // The ascent step raises the loss; |e| = rho.
    expect(result.perturbedLoss).toBeGreaterThan(result.loss);
    expect(Math.hypot(...result.perturbation.flatMap((e) => [...e]))).toBeCloseTo(rho, 5);
    vars.forEach((v, i) => expect(v.dataSync()).toEqual(before[i]));
    tf.dispose(vars);
  });

  it('rho = 0 gives the plain gradient; a zero gradient gives no perturbation', async () => {
    const vars = [variable([0.5, -1, 2], [3]), variable([3, -0.25], [2, 1])];
    const plain = await withLeakCheck(() => samGradient(quadratic(vars), vars, { rho: 0 }));
    const expected = analytic([[0.5, -1, 2], [3, -0.25]], 0);
    plain.gradients.forEach((g, i) => expectClose(g, expected.g[i]!));
    // At the minimum w* = -d / c the gradient vanishes.
    const atMin = [variable([-0.1, 0.1, 0], [3]), variable([-2, 0], [2, 1])];
    const still = await withLeakCheck(() => samGradient(quadratic(atMin), atMin, { rho: 0.5 }));
    expect(still.gradientNorm).toBeCloseTo(0, 6);
    still.perturbation.forEach((e) => e.forEach((x) => expect(x).toBeCloseTo(0, 6)));
    tf.dispose([...vars, ...atMin]);
  });

  it('restores the variables and leaks nothing when the loss throws at the perturbed point', async () => {
    const vars = [variable([1, 2, 3], [3]), variable([4, 5], [2, 1])];
    let calls = 0;
    const failing = () => {
      calls++;
      if (calls === 2) throw new Error('boom');
      return quadratic(vars)();
    };
    await withLeakCheck(() => {
      expect(() => samGradient(failing, vars)).toThrow('boom');
    });
    expect([...vars[0]!.dataSync()]).toEqual([1, 2, 3]);
    expect([...vars[1]!.dataSync()]).toEqual([4, 5]);
    tf.dispose(vars);
  });

  it('rejects a bad rho and non-trainable or missing variables', () => {
    const trainable = variable([1], [1]);
    const frozen = variable([1], [1], false);
    const loss = () => tf.tidy(() => tf.sum(tf.square(trainable)) as tf.Scalar);
    expect(() => samGradient(loss, [trainable], { rho: -1 })).toThrow(InvalidArgumentError);
    expect(() => samGradient(loss, [frozen])).toThrow(/variables\[0\]/);
    expect(() => samGradient(loss, [])).toThrow(/variables/);
    tf.dispose([trainable, frozen]);
  });
});

describe('samSaliency', () => {
  it('averages SAM gradients and squared gradients over batches and scores with |w g| + 0.5 w^2 h', async () => {
    const w = [[0.5, -1, 2], [3, -0.25]];
    const vars = [variable(w[0]!, [3]), variable(w[1]!, [2, 1])];
    const rho = 0.1;
    const result = await withLeakCheck(() => samSaliency([quadratic(vars, 1), quadratic(vars, 2)], vars, { rho }));
    const b1 = analytic(w, rho, 1);
    const b2 = analytic(w, rho, 2);
    vars.forEach((_, i) => {
      const g = b1.gAtE[i]!.map((x, j) => (x + b2.gAtE[i]![j]!) / 2);
      const h = b1.gAtE[i]!.map((x, j) => (x * x + b2.gAtE[i]![j]! ** 2) / 2);
      expectClose(result.gradients[i]!, g);
      expectClose(result.curvature[i]!, h, 4);
      expectClose(result.weights[i]!, w[i]!);
      const s = w[i]!.map((x, j) => Math.abs(x * g[j]!) + 0.5 * x * x * h[j]!);
      expectClose(result.scores[i]!, s, 4);
    });
    expect(result.gradientNorms).toHaveLength(2);
    expect(result.gradientNorms[0]).toBeCloseTo(b1.norm, 5);
    expect(result.loss).toBeCloseTo((b1.loss + b2.loss) / 2, 4);
    // One batch: h = g^2, i.e. exactly sharpnessSaliency's default.
    const single = await withLeakCheck(() => samSaliency(quadratic(vars), vars, { rho }));
    single.scores.forEach((s, i) => expect(s).toEqual(sharpnessSaliency(single.weights[i]!, single.gradients[i]!)));
    expect(() => samSaliency([], vars)).toThrow(InvalidArgumentError);
    tf.dispose(vars);
  });
});
