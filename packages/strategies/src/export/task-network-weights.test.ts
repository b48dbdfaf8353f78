import { createModel, initBackend, tf, withLeakCheck, type MaskedNetwork } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveStrategy } from '../framework/naive-strategy.js';
import type { Strategy } from '../framework/strategy.js';
import { PackNetStrategy } from '../packnet/packnet-strategy.js';
import { ArraySplit } from '../testing/array-split.js';
import { gaussianClasses } from '../testing/test-experiences.js';
import { WsnStrategy } from '../wsn/wsn-strategy.js';
import { UnsupportedExportError } from './export-errors.js';
import { taskNetworkWeights } from './strategy-task-weights.js';
import type { TaskLayerWeights, TaskNetworkWeights } from './task-network-weights.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TRAINING = { epochs: 2, batchSize: 16 };

/** Two tasks of `classes` classes each over inputs of `shape` (Gaussian prototypes); local or global labels. */
function experiences(shape: readonly number[], labels: 'local' | 'global', seed: number): Experience[] {
  const features = shape.reduce((a, b) => a * b, 1);
  return [0, 1].map((t) => {
    const data = gaussianClasses(30, 2, features, seed + t);
    const split = (from: number, to: number): ArraySplit => {
      const y = data.y.slice(from, to).map((c) => (labels === 'local' ? c : c + 2 * t));
      return new ArraySplit(data.x.slice(from * features, to * features), y, shape);
    };
    const classes = labels === 'local' ? [2 * t, 2 * t + 1] : [2 * t, 2 * t + 1];
    return { index: t, taskId: t, classes, numClasses: labels === 'local' ? 2 : 4, description: `task ${t}`, train: split(0, 48), test: split(48, 60) };
  });
}

/** Runs one layer of a task network with plain tf ops (the test's reference interpreter). */
function runLayer(h: tf.Tensor, layer: TaskLayerWeights): tf.Tensor {
  switch (layer.kind) {
    case 'dense': {
      const y = tf.matMul(h as tf.Tensor2D, tf.tensor2d(layer.kernel, [layer.inFeatures, layer.units]));
      const b = layer.bias === undefined ? y : tf.add(y, tf.tensor1d(layer.bias));
      return layer.activation === 'relu' ? tf.relu(b) : b;
    }
    case 'conv2d': {
      const k = layer.kernelSize;
      const filter = tf.tensor4d(layer.kernel, [k, k, layer.inChannels, layer.filters]);
      const p = layer.padding;
      const y = tf.conv2d(h as tf.Tensor4D, filter, layer.stride, typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p);
      const b = layer.bias === undefined ? y : tf.add(y, tf.tensor1d(layer.bias));
      return layer.activation === 'relu' ? tf.relu(b) : b;
    }
    case 'batchNorm': {
      const norm = tf.div(tf.sub(h, tf.tensor1d(layer.mean)), tf.sqrt(tf.add(tf.tensor1d(layer.variance), layer.epsilon)));
      const scaled = layer.gamma === undefined ? norm : tf.mul(norm, tf.tensor1d(layer.gamma));
      return layer.beta === undefined ? scaled : tf.add(scaled, tf.tensor1d(layer.beta));
    }
    case 'pool2d':
      return layer.pool === 'max' ? tf.maxPool(h as tf.Tensor4D, layer.poolSize, layer.stride, 'valid') : tf.avgPool(h as tf.Tensor4D, layer.poolSize, layer.stride, 'valid');
    case 'globalAveragePool':
      return tf.mean(h, [1, 2]);
    case 'flatten':
      return tf.reshape(h, [h.shape[0] ?? -1, -1]);
    case 'relu':
      return tf.relu(h);
    case 'dropout':
      return h;
    case 'residual': {
      const main = layer.main.reduce(runLayer, h);
      const shortcut = layer.shortcut.reduce(runLayer, h);
      return tf.relu(tf.add(main, shortcut));
    }
  }
}

function runTaskNetwork(net: TaskNetworkWeights, x: tf.Tensor): Float32Array {
  return tf.tidy(() => {
    let h = x;
    for (const layer of net.layers) h = runLayer(h, layer);
    const allowed = net.allowedClasses;
    if (allowed !== undefined) {
      const keep = tf.tensor1d(Array.from({ length: net.classes }, (_, c) => (allowed.includes(c) ? 1 : 0)), 'bool');
      h = tf.where(tf.broadcastTo(keep, h.shape), h, tf.fill(h.shape, -Infinity));
    }
    return Float32Array.from(h.dataSync() as Float32Array);
  });
}

function predicted(strategy: Strategy, x: tf.Tensor, taskId?: number): Float32Array {
  return tf.tidy(() => Float32Array.from(strategy.predict(x, taskId).dataSync() as Float32Array));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y) continue; // equal infinities included
    max = Math.max(max, Math.abs(x - y));
  }
  return max;
}

async function trainAndCompare(strategy: Strategy, exps: Experience[], kind: 'task-incremental' | 'class-incremental'): Promise<TaskNetworkWeights[]> {
  for (const e of exps) await strategy.train(e, { scenarioKind: kind, seed: 3 });
  const out: TaskNetworkWeights[] = [];
  for (const e of exps) {
    const taskId = kind === 'task-incremental' ? e.taskId : undefined;
    const batch = e.test.arrayBatches({ batchSize: 12 }).next().value;
    if (batch === undefined) throw new Error('no test batch');
    const x = tf.tensor(batch.x, [batch.y.length, ...e.test.inputShape]);
    const net = taskNetworkWeights(strategy, taskId);
    const diff = maxAbsDiff(runTaskNetwork(net, x), predicted(strategy, x, taskId));
    x.dispose();
    expect(diff).toBeLessThan(1e-5);
    out.push(net);
  }
  return out;
}

function mlp(options: { multiHead: boolean; batchNorm?: 'per-task' | 'shared' }): MaskedNetwork {
  return options.multiHead
    ? createModel('mlp', { inputShape: [12], classesPerTask: [], multiHead: true, hiddenSizes: [16, 8], seed: 1, ...(options.batchNorm ? { batchNorm: options.batchNorm } : {}) })
    : createModel('mlp', { inputShape: [12], numClasses: 4, hiddenSizes: [16], seed: 1 });
}

describe('taskNetworkWeights', () => {
  it('PackNet with per-task batch norm: the layers it reads reproduce predict for each task, heads and statistics per task', async () => {
    await withLeakCheck(async () => {
      const strategy = new PackNetStrategy(mlp({ multiHead: true, batchNorm: 'per-task' }), { pruneFraction: 0.5, retrainEpochs: 1, training: TRAINING });
      const [t0, t1] = await trainAndCompare(strategy, experiences([12], 'local', 1), 'task-incremental');
      expect(t0?.layers.map((l) => l.kind)).toEqual(['dense', 'batchNorm', 'relu', 'dense', 'batchNorm', 'relu', 'dense']);
      expect(t0?.layers.at(-1)?.name).toBe('head/task0');
      expect(t1?.layers.at(-1)?.name).toBe('head/task1');
      expect(t0?.model.zoo).toBe('mlp');
      // Task 0 sees only its own half of dense1's kernel (PackNet's nested masks): the rest reads as zero.
      const k0 = t0?.layers[0]?.kind === 'dense' ? t0.layers[0].kernel : new Float32Array();
      const k1 = t1?.layers[0]?.kind === 'dense' ? t1.layers[0].kernel : new Float32Array();
      expect(k0.filter((v) => v !== 0).length).toBe(12 * 8);
      expect(k1.filter((v) => v !== 0).length).toBeGreaterThan(12 * 8);
      strategy.dispose();
    });
  });

  it('WSN on cnn-small: convolutions, pooling and the task masks reproduce predict', async () => {
    await withLeakCheck(async () => {
      const net = createModel('cnn-small', { inputShape: [10, 10, 1], classesPerTask: [], multiHead: true, denseUnits: 8, seed: 2 });
      const strategy = new WsnStrategy(net, { capacity: 0.5, training: TRAINING });
      const [t0] = await trainAndCompare(strategy, experiences([10, 10, 1], 'local', 5), 'task-incremental');
      expect(t0?.layers.map((l) => l.kind)).toEqual(['conv2d', 'pool2d', 'conv2d', 'pool2d', 'flatten', 'dense', 'dense']);
      strategy.dispose();
    });
  });

  it('single head, class-incremental: the seen classes are the allowed ones, as predict masks them', async () => {
    await withLeakCheck(async () => {
      const strategy = new NaiveStrategy(mlp({ multiHead: false }), { training: TRAINING });
      const exps = experiences([12], 'global', 9);
      await strategy.train(exps[0] as Experience, { scenarioKind: 'class-incremental', seed: 1 });
      expect(taskNetworkWeights(strategy).allowedClasses).toEqual([0, 1]);
      expect(() => taskNetworkWeights(strategy, 0)).toThrow(/task ids are given only in task-incremental/);
      const nets = await trainAndCompare(strategy, exps.slice(1), 'class-incremental');
      expect(nets[0]?.allowedClasses).toEqual([0, 1, 2, 3]);
      strategy.dispose();
    });
  });

  it('resnet18-reduced: residual blocks (identity and 1x1 shortcuts, per-task batch norm) reproduce predict', async () => {
    await withLeakCheck(async () => {
      const net = createModel('resnet18-reduced', { inputShape: [8, 8, 3], classesPerTask: [], multiHead: true, baseFilters: 2, seed: 1 });
      const strategy = new NaiveStrategy(net, { training: { epochs: 1, batchSize: 16 } });
      const [t0] = await trainAndCompare(strategy, experiences([8, 8, 3], 'local', 12), 'task-incremental');
      const blocks = t0?.layers.filter((l) => l.kind === 'residual') ?? [];
      expect(blocks.length).toBeGreaterThanOrEqual(4);
      expect(blocks.some((b) => b.kind === 'residual' && b.shortcut.length === 0)).toBe(true);
      expect(blocks.some((b) => b.kind === 'residual' && b.shortcut.length > 0)).toBe(true);
      strategy.dispose();
    });
  });

  it('refuses what has no plain equivalent, naming the architecture and the layer', () => {
    const batchStats = new NaiveStrategy(createModel('mlp', { inputShape: [4], numClasses: 2, hiddenSizes: [3], batchNorm: 'shared', trackRunningStats: false }));
    expect(() => taskNetworkWeights(batchStats)).toThrow(UnsupportedExportError);
    expect(() => taskNetworkWeights(batchStats)).toThrow(/'mlp': bn1: batch norm without running statistics/);
    batchStats.dispose();
    const opaque: Strategy = { name: 'opaque', plugins: [], train: () => Promise.reject(new Error('unused')), predict: (x) => x, state: () => { throw new Error('unused'); }, load: () => undefined, dispose: () => undefined };
    expect(() => taskNetworkWeights(opaque)).toThrow(UnsupportedExportError);
    expect(() => taskNetworkWeights(opaque)).toThrow(/opaque: this strategy does not expose its task weights/);
  });
});
