import { createModel, initBackend, tf } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { gaussianClasses, permutedExperiences, readFashionMnist, splitExperiences } from '../testing/test-experiences.js';
import { NaiveStrategy } from './naive-strategy.js';
import type { ProgressEvent } from './progress.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function mlp(hidden: number[], seed = 1, multiHead = true, numClasses?: number) {
  return createModel('mlp', {
    inputShape: [784],
    ...(multiHead ? { classesPerTask: [] } : { numClasses: numClasses ?? 10 }),
    multiHead,
    hiddenSizes: hidden,
    seed,
  });
}

describe('NaiveStrategy on the shared loop', () => {
  it('trains 3 experiences and leaves the tensor count at its baseline', async () => {
    const experiences = permutedExperiences(readFashionMnist(700), 3, { train: 500, test: 200, seed: 3 });
    const before = tf.memory().numTensors;
    const strategy = new NaiveStrategy(mlp([32]), { training: { epochs: 2, batchSize: 25 } });
    const events: ProgressEvent[] = [];
    for (const e of experiences) await strategy.train(e, { scenarioKind: 'task-incremental', seed: 1, progress: (ev) => events.push(ev) });
    const acc = await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' });
    expect(acc.map((a) => a.total)).toEqual([200, 200, 200]);
    // The last task, just trained, is above chance (10 classes; 40 steps).
    expect(acc[2]!.accuracy).toBeGreaterThan(0.3);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const batches = events.filter((e) => e.type === 'batch');
    expect(batches).toHaveLength(3 * 2 * 20);
    expect(batches.every((e) => e.type === 'batch' && Number.isFinite(e.loss) && e.samplesPerSecond > 0)).toBe(true);
    expect(events.filter((e) => e.type === 'epoch-end')).toHaveLength(6);
  });

  it('forgets: class-incremental split tasks overwrite the earlier classes', async () => {
    const experiences = splitExperiences(readFashionMnist(1500), [[0, 1], [2, 3], [4, 5]], 'global');
    const strategy = new NaiveStrategy(mlp([64], 2, false, 6), { training: { epochs: 2, batchSize: 32 } });
    const ctx = { scenarioKind: 'class-incremental' as const, seed: 2 };
    await strategy.train(experiences[0]!, ctx);
    const [first] = await evaluateExperiences(strategy, experiences.slice(0, 1), { scenarioKind: 'class-incremental' });
    await strategy.train(experiences[1]!, ctx);
    await strategy.train(experiences[2]!, ctx);
    const after = await evaluateExperiences(strategy, experiences, { scenarioKind: 'class-incremental' });
    expect(first!.accuracy).toBeGreaterThan(0.9);
    expect(after[0]!.accuracy).toBeLessThan(0.2);
    expect(after[2]!.accuracy).toBeGreaterThan(0.8);
    strategy.dispose();
  });

  it('masks unseen classes at prediction in a class-incremental scenario', async () => {
    const data = gaussianClasses(40, 4, 784, 9);
    const experiences = splitExperiences(data, [[0, 1], [2, 3]], 'global');
    const strategy = new NaiveStrategy(mlp([16], 3, false, 4), { training: { epochs: 2, batchSize: 16 } });
    await strategy.train(experiences[0]!, { scenarioKind: 'class-incremental', seed: 1 });
    const x = tf.tensor2d(experiences[1]!.test.inputs(), [experiences[1]!.test.size, 784]);
    const logits = strategy.predict(x);
    const values = logits.arraySync() as number[][];
    expect(values.every((row) => row[2] === -Infinity && row[3] === -Infinity && Number.isFinite(row[0]!))).toBe(true);
    expect(() => strategy.predict(x, 0)).toThrow(/task id 0 in a class-incremental/);
    tf.dispose([x, logits]);
    strategy.dispose();
  });
});
