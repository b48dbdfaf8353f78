import { createModel, initBackend, tf, type MaskedNetwork } from '@retain/core';
import { decodeStore, encodeStore, measureStoreSize, type SubnetworkStore, type VisibilityMode } from '@retain/masks';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { EsaclStrategy } from '../esacl/esacl-strategy.js';
import { PackNetStrategy } from '../packnet/packnet-strategy.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import { WsnStrategy } from '../wsn/wsn-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 4 };

function net(seed: number, bias = true, batchNorm: 'none' | 'per-task' = 'none'): MaskedNetwork {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [32, 32], bias, batchNorm, seed });
}

/** Every parameter task `taskId` reads, restored from the decoded store alone (kernels: 0 outside the task's visible slots). */
function restoreTask(store: SubnetworkStore, taskId: number, mode: VisibilityMode): Map<string, Float32Array> {
  const id = taskId + 1;
  const weights = new Map<string, Float32Array>();
  for (const tensor of store.tensors) {
    const all = new Float32Array(tensor.shape.reduce((a, b) => a * b, 1));
    for (const owner of store.taskIds()) {
      const entry = store.task(owner).quantization.get(tensor.name);
      const claim = store.ownership.claimOf(owner, tensor.name);
      if (entry === undefined || claim === undefined) continue;
      if (entry.scheme !== 'float32') throw new Error(`expected float32 entries, got ${entry.scheme}`);
      claim.slots.scatter(entry.values, all);
    }
    const visible = store.ownership.visible(id, tensor.name, mode);
    weights.set(tensor.name, all.map((v, i) => (visible.get(i) ? v : 0)));
  }
  for (const t of [...store.shared, ...store.task(id).heads, ...store.task(id).batchNorm]) weights.set(t.name, t.values);
  return weights;
}

/** Logits of a fresh network (other seed, no masks) given only the restored weights of task `taskId`. */
function restoredLogits(weights: Map<string, Float32Array>, taskId: number, classes: number, x: tf.Tensor, bias: boolean, batchNorm: 'none' | 'per-task'): Float32Array {
  const fresh = net(99, bias, batchNorm);
  try {
    fresh.addHead(taskId, classes);
    fresh.setWeights(weights);
    const logits = fresh.apply(x, { taskId });
    const values = Float32Array.from(logits.dataSync() as Float32Array);
    logits.dispose();
    return values;
  } finally {
    fresh.dispose();
  }
}

interface StoreStrategy {
  subnetworkStore(): SubnetworkStore;
  train(e: Experience, c: typeof TI): Promise<unknown>;
  predict(x: tf.Tensor, taskId: number): tf.Tensor;
  dispose(): void;
}

async function checkStore(strategy: StoreStrategy, experiences: readonly Experience[], mode: VisibilityMode, bias: boolean, batchNorm: 'none' | 'per-task' = 'none'): Promise<SubnetworkStore> {
  for (const e of experiences) await strategy.train(e, TI);
  const bytes = encodeStore(strategy.subnetworkStore());
  const store = decodeStore(bytes);
  expect(store.taskIds()).toEqual(experiences.map((e) => e.taskId + 1));
  expect(measureStoreSize(bytes).totalBytes).toBe(bytes.length);
  for (const e of experiences) {
    const x = tf.tensor(e.test.inputs(), [e.test.size, ...e.test.inputShape], 'float32');
    try {
      const expected = strategy.predict(x, e.taskId);
      const want = Float32Array.from(expected.dataSync() as Float32Array);
      expected.dispose();
      const got = restoredLogits(restoreTask(store, e.taskId, mode), e.taskId, e.classes.length, x, bias, batchNorm);
      expect(got.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
      expect(worst).toBeLessThan(1e-5);
    } finally {
      x.dispose();
    }
  }
  return store;
}

describe('floatSubnetworkStore', () => {
  const experiences = permutedExperiences(readFashionMnist(300), 3, { train: 200, test: 50, seed: 8 });
  const training = { epochs: 1, batchSize: 50 };

  it('PackNet: the decoded store alone reproduces every task\'s logits (nested float32 claims, heads, shared biases)', async () => {
    const before = tf.memory().numTensors;
    const strategy = new PackNetStrategy(net(1), { pruneFraction: 0.5, retrainEpochs: 0, training });
    const store = await checkStore(strategy, experiences, 'nested', true);
    // Each task stores exactly the float values of the slots it owns, 4 bytes each.
    const size = measureStoreSize(encodeStore(store));
    const owned = store.tensors.reduce((n, t) => n + store.ownership.capacity(t.name).slots - store.ownership.capacity(t.name).freeSlots, 0);
    expect(size.codes).toBe(owned * 4);
    expect(size.codebooks).toBe(0);
    expect(size.masks).toBe(0);
    expect(store.shared.map((t) => t.name).sort()).toEqual(['dense1/bias', 'dense2/bias']);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('PackNet with per-task batch norm: each task\'s batch-norm parameters and statistics go with the task', async () => {
    const strategy = new PackNetStrategy(net(5, true, 'per-task'), { pruneFraction: 0.5, retrainEpochs: 0, training });
    const store = await checkStore(strategy, experiences, 'nested', true, 'per-task');
    for (const id of store.taskIds()) {
      const names = store.task(id).batchNorm.map((t) => t.name);
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n.includes(`/task${id - 1}/`))).toBe(true);
    }
    expect(measureStoreSize(encodeStore(store)).batchNorm).toBeGreaterThan(0);
    strategy.dispose();
  });

  it('EsaCL: the decoded store alone reproduces every task\'s logits', async () => {
    const strategy = new EsaclStrategy(net(2), { sparsity: 0.6, training });
    await checkStore(strategy, experiences, 'nested', true);
    strategy.dispose();
  });

  it('WSN: own masks go in the store; the decoded store alone reproduces every task\'s logits', async () => {
    const strategy = new WsnStrategy(net(3, false), { capacity: 0.4, training });
    const store = await checkStore(strategy, experiences, 'own-mask', false);
    const size = measureStoreSize(encodeStore(store));
    expect(size.masks).toBeGreaterThan(0);
    for (const id of store.taskIds()) for (const t of store.tensors) expect(store.ownership.taskMask(id, t.name)?.equals(strategy.taskMask(id - 1, t.name) as never)).toBe(true);
    strategy.dispose();
  });

  it('a strategy with no finished task has an empty store', () => {
    const strategy = new PackNetStrategy(net(4));
    const store = decodeStore(encodeStore(strategy.subnetworkStore()));
    expect(store.taskIds()).toEqual([]);
    strategy.dispose();
  });
});
