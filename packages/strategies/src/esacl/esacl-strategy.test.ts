import { createModel, initBackend, tf, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError, StrategyUsageError, TrainingAbortedError } from '../framework/strategy-errors.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { bitIdentical, testLogits, trainCheckingEarlierLogits } from '../testing/logit-snapshots.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import type { EsaclOptions } from './esacl-options.js';
import { EsaclStrategy } from './esacl-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 4 };

function net(seed = 1) {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [64, 64], seed });
}

/** Trains every experience and checks after each that every earlier task's test logits are unchanged, bit for bit. */
async function trainCheckingLogits(strategy: EsaclStrategy, experiences: readonly Experience[]): Promise<void> {
  expect(await trainCheckingEarlierLogits(strategy, experiences, TI)).toEqual([]);
}

describe('EsaclStrategy', () => {
  const experiences = permutedExperiences(readFashionMnist(900), 3, { train: 600, test: 300, seed: 7 });

  it('zero forgetting: earlier tasks\' test logits are bit-identical after later tasks (SAM + IDS + SDP)', async () => {
    await withLeakCheck(async () => {
      const strategy = new EsaclStrategy(net(), { sparsity: 0.7, training: { epochs: 2, batchSize: 32 } });
      await trainCheckingLogits(strategy, experiences);
      const acc = await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' });
      // Chance is 0.1; one-shot pruning of 70 % without retraining on 600 samples costs some accuracy.
      for (const a of acc) expect(a.accuracy).toBeGreaterThan(0.4);
      const reports = strategy.reports;
      expect(reports.map((r) => r.taskId)).toEqual([0, 1, 2]);
      for (const r of reports) {
        expect(r.pruning).toBe('sdp');
        expect(r.idsSamples).toBe(60);
        expect(r.statisticsSamples).toBe(60);
        expect(r.trainedSamples).toBe(2 * 600);
        expect(Math.abs(r.sparsity - 0.7)).toBeLessThan(1e-3);
      }
      strategy.dispose();
    });
  });

  it('each idea can be switched off: magnitude pruning, IDS off, IDS on the training data, SAM off; ownership stays nested and pruned weights are zero', async () => {
    const two = experiences.slice(0, 2);
    const variants: EsaclOptions[] = [
      { pruning: 'magnitude', ids: false, samRho: 0 },
      { pruning: 'sdp', ids: false, statisticsSamples: 100 },
      { pruning: 'sdp', ids: { scope: 'training', fraction: 0.2, criterion: 'el2n', warmupEpochs: 1 }, pruneScope: 'global' },
    ];
    await withLeakCheck(async () => {
      for (const options of variants) {
        const strategy = new EsaclStrategy(net(2), { ...options, sparsity: 0.5, training: { epochs: 2, batchSize: 50 } });
        await trainCheckingLogits(strategy, two);
        const r = strategy.reports[1];
        if (options.ids === false) {
          expect(r?.idsSamples).toBeUndefined();
          expect(r?.trainedSamples).toBe(1200);
          expect(r?.statisticsSamples).toBe(options.pruning === 'sdp' ? 100 : 0);
        } else {
          expect(r?.idsSamples).toBe(120);
          expect(r?.trainedSamples).toBe(600 + 120);
        }
        const owners = strategy.ownership.owners('dense1/kernel');
        const size = 784 * 64;
        const counts = [1, 2].map((t) => owners.filter((o) => o === t).length);
        if (options.pruneScope !== 'global') expect(counts).toEqual([Math.round(size / 2), Math.round(size / 4)]);
        else expect(counts[0]).toBeGreaterThan(counts[1] as number);
        const w = strategy.network.parameter('dense1/kernel').read();
        expect(w.filter((v, i) => owners[i] === 0 && v !== 0).length).toBe(0);
        expect(strategy.network.parameter('dense1/bias').frozen).toBe(true);
        strategy.dispose();
      }
    });
  });

  it('refuses out-of-order use and bad options; recovers from an abort; checkpoints round-trip', async () => {
    expect(() => new EsaclStrategy(net(), { sparsity: 1 })).toThrow(/sparsity/);
    expect(() => new EsaclStrategy(net(), { ids: { fraction: 0 } })).toThrow(/ids.fraction/);
    expect(() => new EsaclStrategy(net(), { samRho: -0.1 })).toThrow(/samRho/);
    const options: EsaclOptions = { statisticsBatchSize: 100, training: { epochs: 1, batchSize: 50 } };
    const strategy = new EsaclStrategy(net(3), options);
    await expect(strategy.train(experiences[0] as Experience, { scenarioKind: 'class-incremental' })).rejects.toThrow(StrategyUsageError);
    const s2 = new EsaclStrategy(net(3), options);
    await s2.train(experiences[0] as Experience, TI);
    await expect(s2.train(experiences[0] as Experience, TI)).rejects.toThrow(/trained and frozen already/);
    const controller = new AbortController();
    controller.abort('user');
    await expect(s2.train(experiences[1] as Experience, { ...TI, signal: controller.signal })).rejects.toThrow(TrainingAbortedError);
    expect(s2.phase).toBe('training');
    expect(() => s2.state()).toThrow(InvalidTransitionError);
    s2.abandonTask();
    await s2.train(experiences[1] as Experience, TI);
    const restored = new EsaclStrategy(net(8), options);
    restored.load(s2.state());
    for (const e of experiences.slice(0, 2)) expect(bitIdentical(testLogits(restored, e), testLogits(s2, e))).toBe(true);
    expect(restored.reports).toEqual(s2.reports);
    expect(() => tf.tidy(() => restored.predict(tf.zeros([1, 784]), 2))).toThrow(/has not been trained/);
    strategy.dispose();
    s2.dispose();
    restored.dispose();
  });
});
