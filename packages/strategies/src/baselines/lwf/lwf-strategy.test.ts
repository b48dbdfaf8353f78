import { createModel, initBackend, tf, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BaseStrategy } from '../../framework/base-strategy.js';
import { NaiveStrategy } from '../../framework/naive-strategy.js';
import { evaluateExperiences } from '../../training/evaluate-strategy.js';
import { testLogits } from '../../testing/logit-snapshots.js';
import { readFashionMnist, splitExperiences } from '../../testing/test-experiences.js';
import { LwfStrategy } from './lwf-strategy.js';
import { LWF_DEFAULT_LAMBDA } from './lwf-plugin.js';
import { LWF_DEFAULT_TEMPERATURE } from './distillation-loss.js';

const training = { epochs: 4, batchSize: 16, optimizer: { kind: 'adam' as const, learningRate: 3e-3 } };

function meanSquaredChange(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s / a.length;
}

/** Task-0 logits right after task 0 and after the later tasks, and the final accuracies. */
async function drift(strategy: BaseStrategy, experiences: readonly Experience[], kind: 'task-incremental' | 'class-incremental') {
  const ctx = { scenarioKind: kind, seed: 2 };
  const logitsOf = (e: Experience): Float32Array => {
    const x = tf.tensor(e.test.inputs(), [e.test.size, ...e.test.inputShape]);
    const out = strategy.predict(x, kind === 'task-incremental' ? e.taskId : undefined);
    const values = (out.dataSync() as Float32Array).slice();
    tf.dispose([x, out]);
    return values;
  };
  await strategy.train(experiences[0]!, ctx);
  const first = kind === 'task-incremental' ? testLogits(strategy, experiences[0]!) : logitsOf(experiences[0]!);
  for (const e of experiences.slice(1)) await strategy.train(e, ctx);
  const last = kind === 'task-incremental' ? testLogits(strategy, experiences[0]!) : logitsOf(experiences[0]!);
  const accuracy = (await evaluateExperiences(strategy, experiences, { scenarioKind: kind })).map((r) => r.accuracy);
  strategy.dispose();
  return { first, last, accuracy };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('LwfStrategy', () => {
  it("uses the paper's T = 2 and lambda_o = 1 by default", () => {
    const s = new LwfStrategy(createModel('mlp', { inputShape: [4], classesPerTask: [], multiHead: true, hiddenSizes: [3], seed: 1 }));
    expect(s.plugin.temperature).toBe(LWF_DEFAULT_TEMPERATURE);
    expect(LWF_DEFAULT_TEMPERATURE).toBe(2);
    expect(s.plugin.lambda).toBe(LWF_DEFAULT_LAMBDA);
    expect(LWF_DEFAULT_LAMBDA).toBe(1);
    s.dispose();
  });

  it('keeps the old heads’ outputs and accuracy where Naive loses them (multi-head split Fashion-MNIST, 3 tasks)', async () => {
    const experiences = splitExperiences(readFashionMnist(1500), [[0, 1], [2, 3], [4, 5]], 'local');
    const net = () => createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [64], seed: 3 });
    const naive = await drift(new NaiveStrategy(net(), { training }), experiences, 'task-incremental');
    const lwf = await withLeakCheck(() => drift(new LwfStrategy(net(), { training, warmupEpochs: 1 }), experiences, 'task-incremental'));
    const naiveChange = meanSquaredChange(naive.first, naive.last);
    const lwfChange = meanSquaredChange(lwf.first, lwf.last);
    // Head 0's logits on task 0's test images move far less (when written: mean squared change 16.9 for Naive, 1.1 for LwF;
    // task-0 accuracy 0.46 vs 0.98).
    expect(lwfChange).toBeLessThan(naiveChange / 4);
    expect(lwf.accuracy[0]!).toBeGreaterThan(naive.accuracy[0]! + 0.2);
    // The newest task learns about as well.
    expect(lwf.accuracy[2]!).toBeGreaterThan(naive.accuracy[2]! - 0.05);
  });

  it('distils the columns of earlier classes of a shared head, and restores from a checkpoint to train on identically', async () => {
    const experiences = splitExperiences(readFashionMnist(300), [[0, 1], [2, 3], [4, 5]], 'global');
    const net = () => createModel('mlp', { inputShape: [784], numClasses: 6, hiddenSizes: [16], seed: 3 });
    const ctx = { scenarioKind: 'class-incremental' as const, seed: 1 };
    const lwf = new LwfStrategy(net(), { training: { epochs: 1, batchSize: 32 } });
    await lwf.train(experiences[0]!, ctx);
    await lwf.train(experiences[1]!, ctx);
    expect(lwf.plugin.distilledColumns).toEqual([0, 1, 2, 3]);
    expect(lwf.plugin.distilledTasks).toEqual([]);
    const copy = new LwfStrategy(net(), { training: { epochs: 1, batchSize: 32 } });
    copy.load(lwf.state());
    expect(copy.plugin.distilledColumns).toEqual([0, 1, 2, 3]);
    await copy.train(experiences[2]!, ctx);
    await lwf.train(experiences[2]!, ctx);
    expect(copy.plugin.distilledColumns).toEqual([0, 1, 2, 3, 4, 5]);
    const w = lwf.network.getWeights();
    for (const [name, values] of copy.network.getWeights()) expect(values).toEqual(w.get(name));
    lwf.dispose();
    copy.dispose();
  });

  it('rejects a negative warm-up and temperature', () => {
    const net = createModel('mlp', { inputShape: [4], numClasses: 2, hiddenSizes: [3], seed: 1 });
    expect(() => new LwfStrategy(net, { warmupEpochs: -1 })).toThrow(/warmupEpochs/);
    expect(() => new LwfStrategy(net, { lwf: { temperature: 0 } })).toThrow(/temperature/);
    net.dispose();
  });
});
