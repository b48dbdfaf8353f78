import { createModel, initBackend, tf } from '@retain/core';
import { decodeMask } from '@retain/masks';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../framework/strategy-errors.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { bitIdentical, testLogits, trainCheckingEarlierLogits } from '../testing/logit-snapshots.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import { WsnStrategy } from './wsn-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 5 };

function net(seed = 1) {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [64, 64], bias: false, seed });
}

describe('WsnStrategy', () => {
  it('zero forgetting: earlier tasks\' test logits are bit-identical after later tasks train', async () => {
    const experiences = permutedExperiences(readFashionMnist(800), 4, { train: 600, test: 200, seed: 7 });
    const before = tf.memory().numTensors;
    // lr 1e-2 (the paper's 1e-3 needs its ~30,000 steps per task; these tests take ~40).
    const strategy = new WsnStrategy(net(), { capacity: 0.3, training: { epochs: 2, batchSize: 32, optimizer: { kind: 'adam', learningRate: 1e-2 } } });
    expect(await trainCheckingEarlierLogits(strategy, experiences, TI)).toEqual([]);
    const acc = await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' });
    for (const a of acc) expect(a.accuracy).toBeGreaterThan(0.5);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stores one top-c mask per task, reuses earlier weights and claims only the new ones', async () => {
    const experiences = permutedExperiences(readFashionMnist(300), 3, { train: 200, test: 100, seed: 8 });
    const strategy = new WsnStrategy(net(2), { capacity: 0.5, maskCoding: 'raw', training: { epochs: 1, batchSize: 25 } });
    for (const e of experiences) await strategy.train(e, TI);
    const size = 784 * 64;
    const masks = [0, 1, 2].map((t) => strategy.taskMask(t, 'dense1/kernel')!);
    for (const m of masks) expect(m.popcount()).toBe(size / 2);
    // Task 1 reuses some of task 0's weights (scores keep training from where task 0 left them).
    expect(masks[1]!.countAnd(masks[0]!)).toBeGreaterThan(0);
    const owners = strategy.ownership.owners('dense1/kernel');
    expect(owners.filter((o) => o === 1).length).toBe(size / 2);
    expect(owners.filter((o) => o === 2).length).toBe(masks[1]!.andNot(masks[0]!).popcount());
    // Stored bit-packed: 12-byte header + 1 bit per weight, for each kernel (784x64, 64x64).
    expect(strategy.maskBytes(0)).toBe(12 + size / 8 + 12 + (64 * 64) / 8);
    const state = strategy.state();
    expect(decodeMask(state.blobs['wsn/mask/2/dense1/kernel']!).equals(masks[2]!)).toBe(true);
    strategy.dispose();
  });

  it('checkpoints round-trip, and a task in progress cannot be checkpointed', async () => {
    const experiences = permutedExperiences(readFashionMnist(300), 2, { train: 200, test: 100, seed: 10 });
    const strategy = new WsnStrategy(net(4), { training: { epochs: 1, batchSize: 50 } });
    for (const e of experiences) await strategy.train(e, TI);
    const restored = new WsnStrategy(net(4), { training: { epochs: 1, batchSize: 50 } });
    restored.load(strategy.state());
    for (const e of experiences) expect(bitIdentical(testLogits(restored, e), testLogits(strategy, e))).toBe(true);
    const controller = new AbortController();
    controller.abort();
    const third = permutedExperiences(readFashionMnist(300), 3, { train: 200, test: 100, seed: 10 })[2]!;
    await expect(restored.train(third, { ...TI, signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(() => restored.state()).toThrow(InvalidTransitionError);
    restored.abandonTask();
    await restored.train(third, TI);
    expect(bitIdentical(testLogits(restored, experiences[0]!), testLogits(strategy, experiences[0]!))).toBe(true);
    strategy.dispose();
    restored.dispose();
  });
});
