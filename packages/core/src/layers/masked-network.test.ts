import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { InvalidArgumentError } from '../errors/retain-error.js';
import { Rng } from '../random/rng.js';
import { withLeakCheck, withLeakCheckSync } from '../tensors/leak-check.js';
import { tf } from '../tf.js';
import { DisposedError, UnknownParameterError, UnknownTaskError } from './layer-errors.js';
import type { MaskedNetwork } from './masked-network.js';
import { NetworkBuilder } from './network-builder.js';

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-1, 1);
  return tf.tensor(v, shape);
}

function data(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/** conv(2, 3x3 same) - per-task bn - relu - flatten - dense 5 relu - dropout - heads {0: 3 classes, 1: 2 classes}. */
function smallNetwork(seed = 1, dropout = 0): MaskedNetwork {
  const b = new NetworkBuilder([4, 4, 1], seed);
  b.conv2d('conv1', { filters: 2, kernelSize: 3, padding: 'same' });
  b.batchNorm('bn1', { mode: 'per-task' });
  b.relu('relu1');
  b.flatten('flatten');
  b.dense('dense1', { units: 5, activation: 'relu' });
  b.dropout('dropout1', dropout);
  return b.build(
    { multiHead: true, heads: [{ taskId: 0, classes: 3 }, { taskId: 1, classes: 2 }] },
    { zoo: 'test', options: { seed } },
  );
}

describe('MaskedNetwork', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('multi-head: the task id picks its head', () => {
    withLeakCheckSync(() => {
      const net = smallNetwork();
      const x = randomTensor(Rng.fromSeed(1), [3, 4, 4, 1]);
      const logits0 = net.apply(x, { taskId: 0 });
      const logits1 = net.apply(x, { taskId: 1 });
      expect(logits0.shape).toEqual([3, 3]);
      expect(logits1.shape).toEqual([3, 2]);
      const want = tf.tidy(() => {
        const f = net.features(x, { taskId: 1 });
        return data(tf.add(tf.matMul(f, net.parameter('head/task1/kernel').variable), net.parameter('head/task1/bias').variable));
      });
      expect(data(logits1)).toEqual(want);
      expect(() => net.apply(x, { taskId: 2 })).toThrow(UnknownTaskError);
      net.addHead(2, 4);
      const logits2 = net.apply(x, { taskId: 2 });
      expect(logits2.shape).toEqual([3, 4]);
      expect(() => net.addHead(2, 4)).toThrow(InvalidArgumentError);
      tf.dispose([x, logits0, logits1, logits2]);
      net.dispose();
    });
  });

  it('single head: every task uses the one head', () => {
    withLeakCheckSync(() => {
      const b = new NetworkBuilder([3], 2);
      b.dense('dense1', { units: 4, activation: 'relu' });
      const net = b.build({ multiHead: false, numClasses: 6 }, { zoo: 'test', options: {} });
      const x = tf.ones([2, 3]);
      const [a, c] = [net.apply(x, { taskId: 0 }), net.apply(x, { taskId: 5 })];
      expect(data(a)).toEqual(data(c));
      expect(a.shape).toEqual([2, 6]);
      expect(() => net.addHead(1, 2)).toThrow(InvalidArgumentError);
      expect(net.descriptor().heads).toEqual([{ taskId: 0, classes: 6 }]);
      tf.dispose([x, a, c]);
      net.dispose();
    });
  });

  it("trainableVariables(t): shared, unfrozen parameters plus task t's head and batch-norm scale/shift", () => {
    withLeakCheckSync(() => {
      const net = smallNetwork();
      net.parameter('dense1/bias').frozen = true;
      const names = new Map([...net.parameters()].map(([name, p]) => [p.variable, name]));
      const vars = net.trainableVariables(1).map((v) => names.get(v));
      expect(vars.sort()).toEqual(
        ['bn1/task1/beta', 'bn1/task1/gamma', 'conv1/bias', 'conv1/kernel', 'dense1/kernel', 'head/task1/bias', 'head/task1/kernel'].sort(),
      );
      expect(() => net.trainableVariables(9)).toThrow(UnknownTaskError);
      net.dispose();
    });
  });

  it('counts parameters in total, per task and per layer', () => {
    withLeakCheckSync(() => {
      const net = smallNetwork();
      // conv1 3*3*1*2 + 2 = 20; bn1 per task 2 + 2 = 4 (x2 tasks); dense1 32*5 + 5 = 165;
      // head 0: 5*3 + 3 = 18; head 1: 5*2 + 2 = 12. Running statistics are not counted.
      expect(net.countParameters()).toBe(20 + 4 + 4 + 165 + 18 + 12);
      expect(net.countParameters(0)).toBe(20 + 4 + 165 + 18);
      expect(Object.fromEntries(net.countParametersByLayer())).toEqual({ conv1: 20, bn1: 8, dense1: 165, 'head/task0': 18, 'head/task1': 12 });
      net.dispose();
    });
  });

  it('getWeights / setWeights round-trip by name, checked before anything is written', () => {
    withLeakCheckSync(() => {
      const a = smallNetwork(1);
      const b = smallNetwork(2);
      const weights = a.getWeights();
      expect([...weights.keys()]).toContain('bn1/task0/runningMean');
      expect(b.getWeights().get('conv1/kernel')).not.toEqual(weights.get('conv1/kernel'));
      const before = b.getWeights();
      expect(() => b.setWeights({ 'conv1/kernel': weights.get('conv1/kernel')!, 'nope/kernel': new Float32Array(1) })).toThrow(UnknownParameterError);
      expect(() => b.setWeights({ 'conv1/kernel': weights.get('conv1/kernel')!, 'dense1/bias': new Float32Array(2) })).toThrow(InvalidArgumentError);
      expect(b.getWeights()).toEqual(before);
      b.setWeights(weights);
      expect(b.getWeights()).toEqual(weights);
      // A task's batch-norm state not created yet is created by name.
      const stats = new Float32Array([0.5, -0.5]);
      b.setWeights(new Map([['bn1/task4/runningMean', stats]]));
      expect(b.parameter('bn1/task4/runningMean').read()).toEqual(stats);
      a.dispose();
      b.dispose();
    });
  });

  it('rejects inputs of the wrong shape and use after dispose', () => {
    withLeakCheckSync(() => {
      const net = smallNetwork();
      const x = tf.ones([2, 4, 4, 3]);
      expect(() => net.apply(x)).toThrow(InvalidArgumentError);
      net.dispose();
      net.dispose();
      const y = tf.ones([2, 4, 4, 1]);
      expect(() => net.apply(y)).toThrow(DisposedError);
      tf.dispose([x, y]);
    });
  });

  it('dropout is seeded: same seed, same training outputs; identity at inference', () => {
    withLeakCheckSync(() => {
      const [a, b, noDropout] = [smallNetwork(3, 0.5), smallNetwork(3, 0.5), smallNetwork(3, 0)];
      const x = randomTensor(Rng.fromSeed(4), [4, 4, 4, 1]);
      const run = (n: MaskedNetwork, training: boolean) => tf.tidy(() => data(n.apply(x, { taskId: 0, training })));
      const first = run(a, true);
      expect(run(b, true)).toEqual(first);
      expect(run(a, true)).not.toEqual(first);
      // Same batch-norm history (it sits before the dropout), then inference: dropout is the identity.
      run(noDropout, true);
      run(noDropout, true);
      expect(run(a, false)).toEqual(run(noDropout, false));
      x.dispose();
      for (const n of [a, b, noDropout]) n.dispose();
    });
  });

  it('leaks no tensor across training with masks, mask changes, lazily created task state and dispose', async () => {
    await withLeakCheck(() => {
      const net = smallNetwork();
      const rng = Rng.fromSeed(5);
      const x = randomTensor(rng, [4, 4, 4, 1]);
      const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2));
      const optimizer = tf.train.adam(0.01);
      for (let round = 0; round < 3; round++) {
        net.parameter('conv1/kernel').setMasks({ visible: tf.ones([3, 3, 1, 2]), trainable: tf.zeros([3, 3, 1, 2]) });
        net.parameter('dense1/kernel').setTransform((w) => tf.mul(w, 0.5));
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.apply(x, { taskId: 1, training: true })) as tf.Scalar, false, net.trainableVariables(1));
      }
      net.clearMasks();
      optimizer.dispose();
      tf.dispose([x, labels]);
      net.dispose();
    });
  });

  it("convolution with PyTorch-style padding 1 and stride 2 equals explicit zero padding then 'valid', forward and backward", () => {
    withLeakCheckSync(() => {
      const b = new NetworkBuilder([6, 6, 3], 3);
      const conv = b.conv2d('conv', { filters: 4, kernelSize: 3, stride: 2, padding: 1 });
      b.flatten('flatten');
      const net = b.build({ multiHead: false, numClasses: 2 }, { zoo: 'test', options: {} });
      const rng = Rng.fromSeed(6);
      const x = randomTensor(rng, [2, 6, 6, 3]);
      const w = conv.kernel.variable;
      const bias = conv.bias!.variable;
      const reference = (input: tf.Tensor) =>
        tf.add(tf.conv2d(tf.pad(input as tf.Tensor4D, [[0, 0], [1, 1], [1, 1], [0, 0]]), w as tf.Tensor4D, 2, 'valid'), bias);
      expect(conv.outputShape).toEqual([3, 3, 4]);
      const weights = randomTensor(rng, [2, 3, 3, 4]);
      const ours = tf.variableGrads(() => tf.sum(tf.mul(conv.apply(x), weights)), [w, bias]);
      const ref = tf.variableGrads(() => tf.sum(tf.mul(reference(x), weights)), [w, bias]);
      expect(ours.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0] ?? NaN, 4);
      for (const v of [w, bias]) {
        const [g, r] = [data(ours.grads[v.name]!), data(ref.grads[v.name]!)];
        for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(r[i] ?? NaN, 4);
      }
      const dxOurs = tf.tidy(() => data(tf.grad((i: tf.Tensor) => tf.sum(tf.mul(conv.apply(i), weights)))(x)));
      const dxRef = tf.tidy(() => data(tf.grad((i: tf.Tensor) => tf.sum(tf.mul(reference(i), weights)))(x)));
      for (let i = 0; i < dxOurs.length; i++) expect(dxOurs[i]).toBeCloseTo(dxRef[i] ?? NaN, 4);
      tf.dispose([x, weights, ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads)] as tf.Tensor[]);
      net.dispose();
    });
  });
});
