import { createModel, initBackend, tf } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError, StrategyUsageError, TrainingAbortedError } from '../framework/strategy-errors.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { bitIdentical, testLogits, trainCheckingEarlierLogits } from '../testing/logit-snapshots.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import { PackNetStrategy, packNetEqualShares } from './packnet-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 4 };

function net(seed = 1) {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [64, 64], seed });
}

describe('PackNetStrategy', () => {
  it('zero forgetting: earlier tasks\' test logits are bit-identical after later tasks train', async () => {
    const experiences = permutedExperiences(readFashionMnist(800), 4, { train: 600, test: 200, seed: 7 });
    const before = tf.memory().numTensors;
    const strategy = new PackNetStrategy(net(), { pruneFraction: 0.5, retrainEpochs: 1, training: { epochs: 2, batchSize: 32, weightDecay: 1e-4 } });
    expect(await trainCheckingEarlierLogits(strategy, experiences, TI)).toEqual([]);
    const acc = await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' });
    for (const a of acc) expect(a.accuracy).toBeGreaterThan(0.5);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('owns a nested, shrinking share of each kernel: prune fraction of the free weights per task', async () => {
    const experiences = permutedExperiences(readFashionMnist(300), 3, { train: 200, test: 100, seed: 8 });
    const strategy = new PackNetStrategy(net(2), { pruneFraction: 0.5, retrainEpochs: 0, training: { epochs: 1, batchSize: 50 } });
    for (const e of experiences) await strategy.train(e, TI);
    const size = 784 * 64;
    const owners = strategy.ownership.owners('dense1/kernel');
    const counts = [1, 2, 3].map((t) => owners.filter((o) => o === t).length);
    expect(counts).toEqual([Math.round(size / 2), Math.round(size / 4), Math.round(size / 8)]);
    // Pruned weights were zeroed; owned ones carry the trained values.
    const w = strategy.network.parameter('dense1/kernel').read();
    expect(w.filter((v, i) => owners[i] === 0 && v !== 0).length).toBe(0);
    // Biases trained with task 0 only, then frozen.
    expect(strategy.network.parameter('dense1/bias').frozen).toBe(true);
    expect(strategy.phase).toBe('idle');
    strategy.dispose();
  });

  it('equal shares: each of n tasks keeps 1/n of a layer (property over n and the layer size)', async () => {
    const { default: fc } = await import('fast-check');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 100, max: 5000 }), (n, size) => {
        const schedule = packNetEqualShares(n);
        let free = size;
        const kept: number[] = [];
        for (let i = 0; i < n; i++) {
          const k = Math.round((1 - schedule(i)) * free);
          kept.push(k);
          free -= k;
        }
        return free === 0 && kept.every((k) => Math.abs(k - size / n) <= n) // rounding: at most one weight per earlier task;
      }),
    );
    expect(packNetEqualShares(4)(0)).toBe(0.75);
    expect(packNetEqualShares(4)(3)).toBe(0);
  });

  it('refuses out-of-order steps, retraining a task and decreasing task ids; recovers from an abort by abandoning the task', async () => {
    const experiences = permutedExperiences(readFashionMnist(200), 3, { train: 150, test: 50, seed: 9 });
    const strategy = new PackNetStrategy(net(3), { training: { epochs: 1, batchSize: 50 } });
    expect(() => strategy.abandonTask()).toThrow(InvalidTransitionError);
    await expect(strategy.train(experiences[0]!, { scenarioKind: 'class-incremental' })).rejects.toThrow(StrategyUsageError);
    const strategy2 = new PackNetStrategy(net(3), { training: { epochs: 1, batchSize: 50 } });
    await strategy2.train(experiences[1]!, TI);
    await expect(strategy2.train(experiences[1]!, TI)).rejects.toThrow(/trained and frozen already/);
    await expect(strategy2.train(experiences[0]!, TI)).rejects.toThrow(/task ids must increase/);
    expect(() => strategy2.predict(tf.zeros([1, 784]), 2)).toThrow(/has not been trained/);
    const controller = new AbortController();
    controller.abort('user');
    await expect(strategy2.train(experiences[2]!, { ...TI, signal: controller.signal })).rejects.toThrow(TrainingAbortedError);
    expect(strategy2.phase).toBe('training');
    await expect(strategy2.train(experiences[2]!, TI)).rejects.toThrow(InvalidTransitionError);
    expect(() => strategy2.state()).toThrow(InvalidTransitionError);
    strategy2.abandonTask();
    await strategy2.train(experiences[2]!, TI);
    expect(strategy2.phase).toBe('idle');
    strategy.dispose();
    strategy2.dispose();
  });

  it('checkpoints: a fresh strategy loaded from state() predicts the same logits', async () => {
    const experiences = permutedExperiences(readFashionMnist(300), 2, { train: 200, test: 100, seed: 10 });
    const strategy = new PackNetStrategy(net(4), { training: { epochs: 1, batchSize: 50 } });
    for (const e of experiences) await strategy.train(e, TI);
    const state = strategy.state();
    const restored = new PackNetStrategy(net(99), { training: { epochs: 1, batchSize: 50 } });
    expect(() => restored.load({ ...state, strategy: 'wsn' })).toThrow(/checkpoint is of 'wsn'/);
    restored.load(state);
    for (const e of experiences) expect(bitIdentical(testLogits(restored, e), testLogits(strategy, e))).toBe(true);
    expect(restored.ownership.owners('dense2/kernel')).toEqual(strategy.ownership.owners('dense2/kernel'));
    strategy.dispose();
    restored.dispose();
  });
});
