import { createModel, initBackend, InvalidArgumentError, tf } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveStrategy } from '../../framework/naive-strategy.js';
import type { BatchSegment, StrategyPlugin } from '../../framework/plugin.js';
import { evaluateExperiences } from '../../training/evaluate-strategy.js';
import { gaussianClasses, readFashionMnist, splitExperiences } from '../../testing/test-experiences.js';
import { ReplayStrategy } from './replay-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Records the size and segments of every batch the loop trains on (runs after the strategy's own plugins). */
function batchProbe(): StrategyPlugin & { batches: { experience: number; size: number; segments: readonly BatchSegment[] | undefined }[] } {
  const batches: { experience: number; size: number; segments: readonly BatchSegment[] | undefined }[] = [];
  return {
    name: 'probe',
    batches,
    beforeTrainingIteration(info, slot) {
      batches.push({ experience: info.experience.index, size: slot.batch.size, segments: slot.batch.segments });
    },
  };
}

describe('ReplayStrategy', () => {
  it('remembers old classes where Naive forgets them (class-incremental split Fashion-MNIST, same budget)', async () => {
    const experiences = splitExperiences(readFashionMnist(1500), [[0, 1], [2, 3], [4, 5]], 'global');
    const ctx = { scenarioKind: 'class-incremental' as const, seed: 2 };
    const training = { epochs: 2, batchSize: 32 };
    const net = () => createModel('mlp', { inputShape: [784], numClasses: 6, hiddenSizes: [64], seed: 2 });
    const run = async (strategy: NaiveStrategy | ReplayStrategy) => {
      for (const e of experiences) await strategy.train(e, ctx);
      const acc = (await evaluateExperiences(strategy, experiences, ctx)).map((r) => r.accuracy);
      strategy.dispose();
      return acc;
    };
    const before = tf.memory().numTensors;
    const naive = await run(new NaiveStrategy(net(), { training }));
    const replay = await run(new ReplayStrategy(net(), { training, replay: { capacity: 200 } }));
    expect(tf.memory().numTensors).toBe(before);
    // When written: Naive 0, 0.15, 0.97; Replay 0.41, 0.23, 0.97 (recency bias keeps the last task ahead).
    const oldMean = (acc: number[]): number => (acc[0]! + acc[1]!) / 2;
    expect(naive[0]!).toBeLessThan(0.1);
    expect(replay[0]!).toBeGreaterThan(0.25);
    expect(oldMean(replay)).toBeGreaterThan(oldMean(naive) + 0.15);
    expect(replay[2]!).toBeGreaterThan(0.6);
  });

  it('keeps a bounded, uniform sample of the stream, offered once whatever the epochs', async () => {
    const data = gaussianClasses(90, 6, 8, 4);
    const experiences = splitExperiences(data, [[0, 1], [2, 3], [4, 5]], 'local', 0.8);
    const sizes = experiences.map((e) => e.train.size);
    const capacity = 60;
    const probe = batchProbe();
    const strategy = new ReplayStrategy(createModel('mlp', { inputShape: [8], classesPerTask: [], multiHead: true, hiddenSizes: [8], seed: 1 }), {
      training: { epochs: 3, batchSize: 16 },
      replay: { capacity },
    });
    const ctx = { scenarioKind: 'task-incremental' as const, seed: 5, plugins: [probe] };
    for (const e of experiences) {
      await strategy.train(e, ctx);
      const memory = strategy.plugin.memory!;
      expect(memory.size).toBeLessThanOrEqual(capacity);
    }
    const memory = strategy.plugin.memory!;
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(memory.seen).toBe(total);
    expect(memory.size).toBe(capacity);
    // Each task holds about capacity * size / total samples (hypergeometric sd ~ 3.2 here: 4 sd bounds).
    const counts = memory.countByTask();
    sizes.forEach((n, t) => expect(Math.abs((counts.get(t) ?? 0) - (capacity * n) / total)).toBeLessThan(13));
    // Stored samples are samples of their task's training split, with their labels.
    const { x, y, taskIds, size } = memory.contents();
    for (let i = 0; i < size; i++) {
      const split = experiences[taskIds[i]!]!.train;
      const inputs = split.inputs();
      const labels = split.labels();
      const row = Array.from(x.subarray(i * 8, (i + 1) * 8));
      const found = Array.from({ length: split.size }, (_, k) => k).some((k) => labels[k] === y[i] && row.every((v, j) => v === inputs[k * 8 + j]));
      expect(found).toBe(true);
    }
    // Experience 0 trains on its own batches; later ones on batches doubled by memory samples routed to their heads.
    const firstBatch = probe.batches.find((b) => b.experience === 0)!;
    expect(firstBatch.segments).toBeUndefined();
    const later = probe.batches.filter((b) => b.experience === 2);
    for (const b of later) {
      const own = b.segments![0]!;
      expect(own.taskId).toBe(2);
      expect(b.size).toBe(2 * own.size);
      expect(b.segments!.reduce((n, s) => n + s.size, 0)).toBe(b.size);
      expect(b.segments!.slice(1).every((s) => s.taskId <= 2)).toBe(true);
    }
    expect(later.some((b) => b.segments!.some((s) => s.taskId === 0))).toBe(true);
    strategy.dispose();
  });

  it('restores its memory from a checkpoint and goes on identically', async () => {
    const experiences = splitExperiences(gaussianClasses(40, 4, 8, 6), [[0, 1], [2, 3]], 'global');
    const ctx = { scenarioKind: 'class-incremental' as const, seed: 3 };
    const make = () => new ReplayStrategy(createModel('mlp', { inputShape: [8], numClasses: 4, hiddenSizes: [8], seed: 1 }), { training: { epochs: 1, batchSize: 8 }, replay: { capacity: 20 } });
    const a = make();
    await a.train(experiences[0]!, ctx);
    const b = make();
    b.load(a.state());
    expect(b.plugin.memory!.contents()).toEqual(a.plugin.memory!.contents());
    expect(b.plugin.memory!.seen).toBe(a.plugin.memory!.seen);
    await a.train(experiences[1]!, ctx);
    await b.train(experiences[1]!, ctx);
    expect(b.plugin.memory!.contents()).toEqual(a.plugin.memory!.contents());
    const wa = a.network.getWeights();
    for (const [name, w] of b.network.getWeights()) expect(w).toEqual(wa.get(name));
    const other = new ReplayStrategy(createModel('mlp', { inputShape: [8], numClasses: 4, hiddenSizes: [8], seed: 1 }), { replay: { capacity: 21 } });
    expect(() => other.load(a.state())).toThrow(/capacity/);
    a.dispose();
    b.dispose();
    other.dispose();
  });

  it('refuses training-time class masking, which would hide the replayed classes', () => {
    const net = createModel('mlp', { inputShape: [4], numClasses: 2, hiddenSizes: [3], seed: 1 });
    expect(() => new ReplayStrategy(net, { classMasking: { train: 'experience' } })).toThrow(InvalidArgumentError);
    expect(() => new ReplayStrategy(net, { replay: { capacity: 0 } })).toThrow(InvalidArgumentError);
    net.dispose();
  });
});
