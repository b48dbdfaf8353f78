import { createModel, initBackend, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveStrategy } from '../framework/naive-strategy.js';
import type { Strategy } from '../framework/strategy.js';
import { StrategyStateError, StrategyUsageError } from '../framework/strategy-errors.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { bitIdentical, testLogits } from '../testing/logit-snapshots.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import { BlipStrategy } from './blip-strategy.js';
import { decodeBlipModel } from './blip-model-codec.js';
import { gridStep } from './fixed-point.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 3 };
const TRAINING = { epochs: 3, batchSize: 32, optimizer: { kind: 'sgd' as const, learningRate: 0.05 } };

function net(seed = 1) {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [64, 64], seed });
}

async function accuracies(strategy: Strategy, experiences: readonly Experience[]): Promise<number[]> {
  return (await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' })).map((r) => r.accuracy);
}

/** Accuracy of each task right after it trained, and of every task after the last one. */
async function trainAll(strategy: Strategy, experiences: readonly Experience[]): Promise<{ own: number[]; final: number[] }> {
  const own: number[] = [];
  for (const e of experiences) {
    await strategy.train(e, TI);
    own.push(((await accuracies(strategy, [e]))[0]) as number);
  }
  return { own, final: await accuracies(strategy, experiences) };
}

describe('BlipStrategy', () => {
  // Permuted Fashion-MNIST, 3 tasks of 1,200 training and 1,000 test images
  // (0.5 points = 5 test images). Meaningful: naive fine-tuning with the same
  // budget forgets task 0 by far more than 0.5 points. Why BLIP holds: with
  // the paper's F_prior the first task already freezes ~12 of 20 bits per
  // weight on average, so those weights can later move by at most
  // bound * 2^-12 per task; the few weights left free carry little Fisher
  // information about the earlier tasks. The price shows in this small
  // network (64 units per layer): later tasks learn less (about 0.68, 0.49,
  // 0.35 here) because few bits are left to them.
  const experiences = permutedExperiences(readFashionMnist(2200), 3, { train: 1200, test: 1000, seed: 7 });

  it('earlier-task accuracy drops by at most 0.5 points over 3 tasks (naive fine-tuning forgets)', async () => {
    await withLeakCheck(async () => {
      const blip = new BlipStrategy(net(), { fisherSamples: 300, training: TRAINING });
      const { own, final } = await trainAll(blip, experiences);
      for (let j = 0; j < 2; j++) expect(final[j] as number, `task ${j}: ${own[j]} -> ${final[j]}`).toBeGreaterThanOrEqual((own[j] as number) - 0.005);
      // Every task learns (chance is 0.1), later ones less: their weights move only inside the windows the earlier tasks left.
      for (const a of own) expect(a).toBeGreaterThan(0.3);
      const reports = blip.reports;
      expect(reports.map((r) => r.taskId)).toEqual([0, 1, 2]);
      for (let i = 1; i < reports.length; i++) expect((reports[i] as { budgetUsed: number }).budgetUsed).toBeGreaterThanOrEqual((reports[i - 1] as { budgetUsed: number }).budgetUsed);
      expect(reports[0]?.budgetUsed).toBeGreaterThan(0.2);
      expect(reports[2]?.budgetUsed).toBeLessThanOrEqual(1);
      expect(blip.budgetUsed()).toBeCloseTo(reports[2]?.budgetUsed ?? NaN, 12);
      blip.dispose();

      const naive = new NaiveStrategy(net(), { training: TRAINING });
      const control = await trainAll(naive, experiences);
      expect((control.own[0] as number) - (control.final[0] as number)).toBeGreaterThan(0.05);
      naive.dispose();
    });
  });

  it('after every step a weight stays within one grid step of its synced value at its frozen precision', async () => {
    await withLeakCheck(async () => {
      const blip = new BlipStrategy(net(2), { fisherSamples: 100, training: { ...TRAINING, epochs: 1 } });
      await blip.train(experiences[0] as Experience, TI);
      const names = blip.quantizedParameters;
      expect(names).toEqual(['dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias']);
      const synced = new Map(names.map((n) => [n, blip.network.parameter(n).read()]));
      const bits = new Map(names.map((n) => [n, blip.frozenBits(n)]));
      await blip.train(experiences[1] as Experience, TI);
      let moved = 0;
      for (const n of names) {
        const before = synced.get(n) as Float32Array;
        const after = blip.network.parameter(n).read();
        const b0 = bits.get(n) as Uint8Array;
        const b1 = blip.frozenBits(n);
        const bound = blip.bound(n);
        after.forEach((w, i) => {
          // The clip window (one step at the old precision), then the sync's rounding (half a step at the new one).
          const limit = gridStep(bound, b0[i] as number) + gridStep(bound, b1[i] as number) / 2;
          expect(Math.abs(w - (before[i] as number))).toBeLessThanOrEqual(limit * (1 + 1e-5) + 1e-7);
          expect(Math.abs(w)).toBeLessThanOrEqual(bound * (1 + 1e-7));
          expect(b1[i] as number).toBeGreaterThanOrEqual(b0[i] as number);
          if (w !== before[i]) moved++;
        });
      }
      expect(moved).toBeGreaterThan(0);
      blip.dispose();
    });
  });

  it('checkpoints: a fresh strategy loaded from state() predicts the same logits and keeps the bits', async () => {
    const two = experiences.slice(0, 2);
    const blip = new BlipStrategy(net(3), { fisherSamples: 50, training: { ...TRAINING, epochs: 1 } });
    for (const e of two) await blip.train(e, TI);
    const state = blip.state();
    const restored = new BlipStrategy(net(9), { fisherSamples: 50, training: { ...TRAINING, epochs: 1 } });
    expect(() => new BlipStrategy(net(9), { maxBits: 16 }).load(state)).toThrow(StrategyStateError);
    restored.load(state);
    for (const e of two) expect(bitIdentical(testLogits(restored, e), testLogits(blip, e))).toBe(true);
    expect(Array.from(restored.frozenBits('dense1/kernel'))).toEqual(Array.from(blip.frozenBits('dense1/kernel')));
    expect(restored.reports).toEqual(blip.reports);
    await expect(restored.train(two[1] as Experience, TI)).rejects.toThrow(/learnt already/);

    // Stored bytes: the report's number is the length of the actual serialised bytes, and those bytes alone
    // (written over zeroed parameters) give the same logits for every task.
    const bytes = blip.serializeModel();
    const stored = (blip.reports[1] as { storedBytes: { total: number; quantized: number; denseModel: number } }).storedBytes;
    expect(stored.total).toBe(bytes.length);
    expect(stored.denseModel).toBe(blip.network.countParameters() * 4);
    expect(stored.total).toBeLessThan(stored.denseModel);
    const decoded = decodeBlipModel(bytes);
    expect(decoded.quantized.map((q) => q.name)).toEqual(blip.quantizedParameters);
    expect(decoded.float.map((f) => f.name).sort()).toEqual(['head/task0/bias', 'head/task0/kernel', 'head/task1/bias', 'head/task1/kernel']);
    for (const p of restored.network.parameters().values()) p.write(new Float32Array(p.size));
    for (const t of [...decoded.quantized, ...decoded.float]) restored.network.parameter(t.name).write(t.values);
    for (const e of two) expect(bitIdentical(testLogits(restored, e), testLogits(blip, e))).toBe(true);
    blip.dispose();
    restored.dispose();
  });

  it('refuses bad options, class-incremental scenarios and single-head networks', async () => {
    expect(() => new BlipStrategy(net(), { maxBits: 0 })).toThrow(/maxBits/);
    expect(() => new BlipStrategy(net(), { fisherPrior: 0 })).toThrow(/fisherPrior/);
    expect(() => new BlipStrategy(net(), { fisherSamples: 1.5 })).toThrow(/fisherSamples/);
    const blip = new BlipStrategy(net(), { training: { epochs: 1 } });
    await expect(blip.train(experiences[0] as Experience, { scenarioKind: 'class-incremental' })).rejects.toThrow(StrategyUsageError);
    blip.dispose();
    const single = new BlipStrategy(createModel('mlp', { inputShape: [784], numClasses: 10, hiddenSizes: [8], seed: 1 }), { training: { epochs: 1 } });
    await expect(single.train(experiences[0] as Experience, TI)).rejects.toThrow(/multi-head/);
    single.dispose();
  });
});
