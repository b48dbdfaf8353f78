import { createModel, initBackend, tf } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveStrategy } from '../../framework/naive-strategy.js';
import type { StrategyPlugin } from '../../framework/plugin.js';
import { StrategyUsageError } from '../../framework/strategy-errors.js';
import { evaluateExperiences } from '../../training/evaluate-strategy.js';
import { gaussianClasses, readFashionMnist, splitExperiences } from '../../testing/test-experiences.js';
import { JointStrategy } from './joint-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('JointStrategy', () => {
  it('trains each experience on all data so far: every sample of experiences 0..t once per epoch, each through its head', async () => {
    const experiences = splitExperiences(gaussianClasses(30, 6, 8, 1), [[0, 1], [2, 3], [4, 5]], 'local');
    const perEpoch = new Map<string, Map<number, number>>();
    const startWeights: Map<string, Float32Array>[] = [];
    const probe: StrategyPlugin = {
      name: 'probe',
      beforeTrainingEpoch(info) {
        if (info.epoch === 0) startWeights.push(info.network.getWeights());
      },
      beforeTrainingIteration(info, slot) {
        const key = `${info.experience.index}/${info.epoch}`;
        const counts = perEpoch.get(key) ?? new Map<number, number>();
        for (const s of slot.batch.segments ?? [{ taskId: info.taskId, start: 0, size: slot.batch.size }]) counts.set(s.taskId, (counts.get(s.taskId) ?? 0) + s.size);
        perEpoch.set(key, counts);
      },
    };
    const net = () => createModel('mlp', { inputShape: [8], classesPerTask: [], multiHead: true, hiddenSizes: [8], seed: 4 });
    const before = tf.memory().numTensors;
    const joint = new JointStrategy(net(), { training: { epochs: 2, batchSize: 16, optimizer: { kind: 'adam', learningRate: 0.05 } } });
    for (const e of experiences) await joint.train(e, { scenarioKind: 'task-incremental', seed: 1, plugins: [probe] });
    for (let t = 0; t < 3; t++) {
      for (const epoch of [0, 1]) {
        const counts = perEpoch.get(`${t}/${epoch}`)!;
        expect([...counts.keys()].sort()).toEqual(Array.from({ length: t + 1 }, (_, k) => k));
        for (let k = 0; k <= t; k++) expect(counts.get(k)).toBe(experiences[k]!.train.size);
      }
    }
    // From scratch: every experience starts at the network's initial weights (heads included).
    const initial = net();
    for (const e of experiences) initial.addHead(e.taskId, e.numClasses);
    const init = initial.getWeights();
    initial.dispose();
    for (const weights of startWeights) for (const [name, w] of weights) expect(w).toEqual(init.get(name));
    const accuracy = await evaluateExperiences(joint, experiences, { scenarioKind: 'task-incremental' });
    expect(accuracy.every((a) => a.accuracy > 0.8)).toBe(true);
    joint.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is the upper bound: keeps old classes where Naive loses them (class-incremental split Fashion-MNIST)', async () => {
    const experiences = splitExperiences(readFashionMnist(1500), [[0, 1], [2, 3], [4, 5]], 'global');
    const ctx = { scenarioKind: 'class-incremental' as const, seed: 2 };
    const training = { epochs: 2, batchSize: 32 };
    const net = () => createModel('mlp', { inputShape: [784], numClasses: 6, hiddenSizes: [64], seed: 2 });
    const naive = new NaiveStrategy(net(), { training });
    const joint = new JointStrategy(net(), { training });
    for (const e of experiences) {
      await naive.train(e, ctx);
      await joint.train(e, ctx);
    }
    const n = (await evaluateExperiences(naive, experiences, ctx)).map((r) => r.accuracy);
    const j = (await evaluateExperiences(joint, experiences, ctx)).map((r) => r.accuracy);
    // When written: Naive 0, 0.15, 0.97; Joint 0.84, 0.63, 0.95.
    expect(n[0]!).toBeLessThan(0.1);
    expect(Math.min(...j)).toBeGreaterThan(0.5);
    expect(j[0]! + j[1]!).toBeGreaterThan(n[0]! + n[1]! + 1);
    naive.dispose();
    joint.dispose();
  });

  it('after load() needs the earlier experiences back before it trains on', async () => {
    const experiences = splitExperiences(gaussianClasses(20, 4, 8, 2), [[0, 1], [2, 3]], 'global');
    const ctx = { scenarioKind: 'class-incremental' as const, seed: 1 };
    const net = () => createModel('mlp', { inputShape: [8], numClasses: 4, hiddenSizes: [8], seed: 1 });
    const a = new JointStrategy(net(), { training: { epochs: 1, batchSize: 8 }, fromScratch: false });
    await a.train(experiences[0]!, ctx);
    const b = new JointStrategy(net(), { training: { epochs: 1, batchSize: 8 }, fromScratch: false });
    b.load(a.state());
    await expect(b.train(experiences[1]!, ctx)).rejects.toThrow(StrategyUsageError);
    b.rememberExperiences(experiences.slice(0, 1));
    await a.train(experiences[1]!, ctx);
    await b.train(experiences[1]!, ctx);
    const wa = a.network.getWeights();
    for (const [name, w] of b.network.getWeights()) expect(w).toEqual(wa.get(name));
    expect(b.experiences.map((e) => e.index)).toEqual([0, 1]);
    a.dispose();
    b.dispose();
  });
});
