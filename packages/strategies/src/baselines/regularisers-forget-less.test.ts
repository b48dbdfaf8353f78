import { createModel, initBackend, tf, type MaskedNetwork } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveStrategy } from '../framework/naive-strategy.js';
import type { BaseStrategy } from '../framework/base-strategy.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import { EwcStrategy, OnlineEwcStrategy } from './ewc/ewc-strategy.js';
import { SiStrategy } from './si/si-strategy.js';

// A 3-task permuted Fashion-MNIST stream with one shared head (domain-
// incremental: the classic permuted-MNIST protocol), 600 training samples
// per task, and one budget for every method: 5 epochs of batches of 16,
// Adam lr 3e-3, a 784-100-10 MLP from the same initial weights.
const ctx = { scenarioKind: 'domain-incremental' as const, seed: 1 };
const training = { epochs: 5, batchSize: 16, optimizer: { kind: 'adam' as const, learningRate: 3e-3 } };
let experiences: Experience[];

function mlp(): MaskedNetwork {
  return createModel('mlp', { inputShape: [784], numClasses: 10, hiddenSizes: [100], seed: 1 });
}

/** Accuracy on task 0 right after training it, and after all three tasks. */
async function taskZeroAccuracy(strategy: BaseStrategy): Promise<{ before: number; after: number; last: number }> {
  await strategy.train(experiences[0]!, ctx);
  const [before] = await evaluateExperiences(strategy, experiences.slice(0, 1), ctx);
  await strategy.train(experiences[1]!, ctx);
  await strategy.train(experiences[2]!, ctx);
  const after = await evaluateExperiences(strategy, experiences, ctx);
  strategy.dispose();
  return { before: before!.accuracy, after: after[0]!.accuracy, last: after[2]!.accuracy };
}

let naive: { before: number; after: number; last: number };

beforeAll(async () => {
  await initBackend('wasm');
  experiences = permutedExperiences(readFashionMnist(1000), 3, { train: 600, test: 400, seed: 1 });
  naive = await taskZeroAccuracy(new NaiveStrategy(mlp(), { training }));
});

describe('regularisers forget less than Naive with the same budget (3-task permuted Fashion-MNIST)', () => {
  it('Naive forgets task 0 on this stream (the premise)', () => {
    expect(naive.before - naive.after).toBeGreaterThan(0.08);
    expect(naive.last).toBeGreaterThan(0.6);
  });

  it('EWC forgets less than half as much as Naive', async () => {
    const before = tf.memory().numTensors;
    const ewc = await taskZeroAccuracy(new EwcStrategy(mlp(), { training, ewc: { lambda: 300, fisherSamples: 300 } }));
    expect(tf.memory().numTensors).toBe(before);
    expect(ewc.before).toBeCloseTo(naive.before, 6);
    expect(ewc.before - ewc.after).toBeLessThan((naive.before - naive.after) / 2);
    expect(ewc.after).toBeGreaterThan(naive.after + 0.05);
  });

  it('online EWC forgets less than half as much as Naive', async () => {
    const online = await taskZeroAccuracy(new OnlineEwcStrategy(mlp(), { training, ewc: { lambda: 300, fisherSamples: 300 } }));
    expect(online.before - online.after).toBeLessThan((naive.before - naive.after) / 2);
    expect(online.after).toBeGreaterThan(naive.after + 0.05);
  });

  it('SI forgets less than half as much as Naive', async () => {
    // c = 1, xi = 1e-3: Zenke et al.'s split-MNIST values, which suit this small network better than the permuted-MNIST defaults.
    const before = tf.memory().numTensors;
    const si = await taskZeroAccuracy(new SiStrategy(mlp(), { training, si: { c: 1, damping: 1e-3 } }));
    expect(tf.memory().numTensors).toBe(before);
    expect(si.before).toBeCloseTo(naive.before, 6);
    expect(si.before - si.after).toBeLessThan((naive.before - naive.after) / 2);
    expect(si.after).toBeGreaterThan(naive.after + 0.05);
  });
});
