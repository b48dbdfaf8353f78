import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { InvalidArgumentError } from '../errors/retain-error.js';
import { Rng } from '../random/rng.js';
import { withLeakCheckSync } from '../tensors/leak-check.js';
import { tf } from '../tf.js';
import { TaskBatchNorm } from './batch-norm.js';
import { ParameterFactory } from './parameter-factory.js';

function randomTensor(rng: Rng, shape: number[], offset = 0, scale = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = offset + scale * rng.uniform(-1, 1);
  return tf.tensor(v, shape);
}

function data(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

function expectClose(a: Float32Array, b: Float32Array, digits = 4): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] ?? NaN, digits);
}

/** Batch norm written with plain ops: (x - mean) / sqrt(var + eps) * gamma + beta over all axes but the last. */
function manualBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const mean = tf.mean(x, axes);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axes);
  return tf.add(tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

describe('TaskBatchNorm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each([
    ['images [batch, h, w, c]', [4, 3, 3, 5], [3, 3, 5]],
    ['features [batch, f]', [6, 5], [5]],
  ])('training mode matches batch norm written with plain ops, values and gradients (%s)', (_label, shape, sample) => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(1);
      const bn = new TaskBatchNorm('bn', sample, {}, new ParameterFactory(1));
      bn.prepareTask(0);
      const params = bn.parameters();
      const gamma = params.find((p) => p.role === 'gamma')!;
      const beta = params.find((p) => p.role === 'beta')!;
      gamma.write(Float32Array.from({ length: 5 }, (_, i) => 0.5 + i * 0.25));
      beta.write(Float32Array.from({ length: 5 }, (_, i) => i - 2));
      const x = randomTensor(rng, shape, 1, 2);
      const weights = randomTensor(rng, shape);
      const ours = tf.tidy(() => data(bn.apply(x, { taskId: 0, training: true })));
      const manual = tf.tidy(() => data(manualBatchNorm(x, gamma.variable, beta.variable, 1e-5)));
      expectClose(ours, manual, 5);
      // Gradients with respect to the input, gamma and beta of a weighted sum of the outputs.
      const loss = (f: (x: tf.Tensor) => tf.Tensor) => (input: tf.Tensor) => tf.sum(tf.mul(f(input), weights));
      const [dxOurs, dxManual] = tf.tidy(() => [
        data(tf.grad(loss((i) => bn.apply(i, { taskId: 0, training: true })))(x)),
        data(tf.grad(loss((i) => manualBatchNorm(i, gamma.variable, beta.variable, 1e-5)))(x)),
      ]);
      expectClose(dxOurs!, dxManual!, 4);
      const gOurs = tf.variableGrads(() => loss((i) => bn.apply(i, { taskId: 0, training: true }))(x) as tf.Scalar, [gamma.variable, beta.variable]);
      const gManual = tf.variableGrads(() => loss((i) => manualBatchNorm(i, gamma.variable, beta.variable, 1e-5))(x) as tf.Scalar, [gamma.variable, beta.variable]);
      for (const v of [gamma.variable, beta.variable]) expectClose(data(gOurs.grads[v.name]!), data(gManual.grads[v.name]!), 4);
      tf.dispose([x, weights, gOurs.value, gManual.value, ...Object.values(gOurs.grads), ...Object.values(gManual.grads)] as tf.Tensor[]);
      bn.dispose();
    });
  });

  it("updates the task's running statistics with PyTorch's rule (momentum 0.1, unbiased variance)", () => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(2);
      const bn = new TaskBatchNorm('bn', [2, 2, 3], {}, new ParameterFactory(1));
      const x = randomTensor(rng, [5, 2, 2, 3], 3, 1);
      const xs = data(x);
      tf.tidy(() => void bn.apply(x, { taskId: 0, training: true }));
      const mean = bn.parameters().find((p) => p.role === 'runningMean')!.read();
      const variance = bn.parameters().find((p) => p.role === 'runningVariance')!.read();
      const n = 5 * 2 * 2;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = c; i < xs.length; i += 3) s += xs[i] ?? 0;
        const m = s / n;
        let ss = 0;
        for (let i = c; i < xs.length; i += 3) ss += ((xs[i] ?? 0) - m) ** 2;
        expect(mean[c]).toBeCloseTo(0.1 * m, 5);
        expect(variance[c]).toBeCloseTo(0.9 + 0.1 * (ss / (n - 1)), 5);
      }
      x.dispose();
      bn.dispose();
    });
  });

  it('keeps separate statistics per task: training task 1 leaves task 0 bit-identical, inference uses the given task', () => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(3);
      const bn = new TaskBatchNorm('bn', [4], { momentum: 0.5 }, new ParameterFactory(1));
      const a = randomTensor(rng, [8, 4], 3, 1);
      const b = randomTensor(rng, [8, 4], -3, 1);
      for (let i = 0; i < 4; i++) tf.tidy(() => void bn.apply(a, { taskId: 0, training: true }));
      const task0 = new Map([...bn.parameters()].filter((p) => p.taskId === 0).map((p) => [p.name, p.read()]));
      for (let i = 0; i < 4; i++) tf.tidy(() => void bn.apply(b, { taskId: 1, training: true }));
      expect(bn.taskIds()).toEqual([0, 1]);
      for (const p of bn.parameters()) if (p.taskId === 0) expect(p.read()).toEqual(task0.get(p.name));
      const mean0 = bn.parameters().find((p) => p.name === 'bn/task0/runningMean')!.read();
      const mean1 = bn.parameters().find((p) => p.name === 'bn/task1/runningMean')!.read();
      for (let c = 0; c < 4; c++) {
        expect(mean0[c]).toBeGreaterThan(1.5);
        expect(mean1[c]).toBeLessThan(-1.5);
      }
      const var0 = bn.parameters().find((p) => p.name === 'bn/task0/runningVariance')!.read();
      const out0 = tf.tidy(() => data(bn.apply(a, { taskId: 0, training: false })));
      const xs = data(a);
      for (let i = 0; i < xs.length; i++) {
        const c = i % 4;
        expect(out0[i]).toBeCloseTo(((xs[i] ?? 0) - (mean0[c] ?? 0)) / Math.sqrt((var0[c] ?? 0) + 1e-5), 4);
      }
      const out1 = tf.tidy(() => data(bn.apply(a, { taskId: 1, training: false })));
      expect(out1).not.toEqual(out0);
      tf.dispose([a, b]);
      bn.dispose();
    });
  });

  it('shared mode keeps one set of state for every task', () => {
    withLeakCheckSync(() => {
      const bn = new TaskBatchNorm('bn', [3], { mode: 'shared' }, new ParameterFactory(1));
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      tf.tidy(() => void bn.apply(x, { taskId: 0, training: true }));
      tf.tidy(() => void bn.apply(x, { taskId: 7, training: true }));
      expect(bn.parameters().map((p) => p.name)).toEqual(['bn/gamma', 'bn/beta', 'bn/runningMean', 'bn/runningVariance']);
      expect(bn.parameters().every((p) => p.taskId === undefined)).toBe(true);
      x.dispose();
      bn.dispose();
    });
  });

  it('without running statistics, inference normalises with the batch (GPM/WSN style); affine false has no gamma/beta', () => {
    withLeakCheckSync(() => {
      const bn = new TaskBatchNorm('bn', [2], { trackRunningStats: false, affine: false }, new ParameterFactory(1));
      const x = tf.tensor2d([1, 10, 3, 20], [2, 2]);
      const out = tf.tidy(() => data(bn.apply(x, { taskId: 0, training: false })));
      expect(bn.parameters()).toEqual([]);
      // per channel: (x - mean) / sqrt(var + eps) with biased variance: values -1, +1 (up to eps)
      expectClose(out, Float32Array.from([-1, -1, 1, 1]), 3);
      x.dispose();
      bn.dispose();
    });
  });

  it('rejects a training batch of one sample of features and bad options', () => {
    withLeakCheckSync(() => {
      const bn = new TaskBatchNorm('bn', [2], {}, new ParameterFactory(1));
      const x = tf.tensor2d([1, 2], [1, 2]);
      expect(() => tf.tidy(() => void bn.apply(x, { taskId: 0, training: true }))).toThrow(InvalidArgumentError);
      x.dispose();
      bn.dispose();
      expect(() => new TaskBatchNorm('bn', [2], { momentum: 2 }, new ParameterFactory(1))).toThrow(/momentum/);
      expect(() => new TaskBatchNorm('bn', [2, 2], {}, new ParameterFactory(1))).toThrow(/inputShape/);
    });
  });
});
