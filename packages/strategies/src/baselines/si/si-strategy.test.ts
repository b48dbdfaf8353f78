import { createModel, initBackend, InvalidArgumentError, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StrategyPlugin } from '../../framework/plugin.js';
import { gaussianClasses, splitExperiences } from '../../testing/test-experiences.js';
import { SI_DEFAULT_DAMPING } from './path-integral.js';
import { SI_DEFAULT_STRENGTH } from './si-plugin.js';
import { SI_TRAINING_DEFAULTS, SiStrategy } from './si-strategy.js';

let experiences: Experience[];
const ctx = { scenarioKind: 'task-incremental' as const, seed: 3 };
const training = { epochs: 2, batchSize: 16 };

beforeAll(async () => {
  await initBackend('wasm');
  experiences = splitExperiences(gaussianClasses(30, 6, 12, 5), [[0, 1], [2, 3], [4, 5]], 'local');
});

const net = () => createModel('mlp', { inputShape: [12], classesPerTask: [], multiHead: true, hiddenSizes: [10], seed: 2 });

describe('SiStrategy', () => {
  it("defaults to Zenke et al.'s permuted-MNIST settings", () => {
    const s = new SiStrategy(net());
    expect(s.plugin.c).toBe(SI_DEFAULT_STRENGTH);
    expect(SI_DEFAULT_STRENGTH).toBe(0.1);
    expect(s.plugin.damping).toBe(SI_DEFAULT_DAMPING);
    expect(s.trainingConfigFor(experiences[0]!)).toMatchObject(SI_TRAINING_DEFAULTS);
    expect(() => new SiStrategy(net(), { si: { c: -1 } })).toThrow(InvalidArgumentError);
    s.dispose();
  });

  it('records every optimiser step and accumulates a non-negative importance of the weights each task trained', async () => {
    await withLeakCheck(async () => {
      let recorded = 0;
      const counter: StrategyPlugin = { name: 'count', afterTrainingExperience: () => void (recorded = strategy.plugin.steps) };
      const strategy = new SiStrategy(net(), { training, si: { c: 1 } });
      const report = await strategy.train(experiences[0]!, { ...ctx, plugins: [counter] });
      expect(recorded).toBe(report.phases[0]!.steps);
      const first = strategy.plugin.importance()!;
      expect([...first.keys()].sort()).toEqual(['dense1/bias', 'dense1/kernel', 'head/task0/bias', 'head/task0/kernel']);
      for (const v of first.values()) expect(v.every((o) => o >= 0 && Number.isFinite(o))).toBe(true);
      expect(first.get('dense1/kernel')!.some((o) => o > 0)).toBe(true);
      await strategy.train(experiences[1]!, ctx);
      const second = strategy.plugin.importance()!;
      expect([...second.keys()].sort()).toEqual(['dense1/bias', 'dense1/kernel', 'head/task0/bias', 'head/task0/kernel', 'head/task1/bias', 'head/task1/kernel']);
      // Omega mostly grows (each task adds its path integral; clipping keeps it >= 0) and task 0's head keeps its value.
      expect(second.get('head/task0/kernel')).toEqual(first.get('head/task0/kernel'));
      const grew = second.get('dense1/kernel')!.filter((o, i) => o >= first.get('dense1/kernel')![i]! - 1e-6).length;
      expect(grew / second.get('dense1/kernel')!.length).toBeGreaterThan(0.8);
      strategy.dispose();
    });
  });

  it('restores Omega and the anchor from a checkpoint and trains on identically', async () => {
    const a = new SiStrategy(net(), { training, si: { c: 0.5 } });
    await a.train(experiences[0]!, ctx);
    await a.train(experiences[1]!, ctx);
    const b = new SiStrategy(net(), { training, si: { c: 0.5 } });
    b.load(a.state());
    expect(b.plugin.importance()).toEqual(a.plugin.importance());
    await a.train(experiences[2]!, ctx);
    await b.train(experiences[2]!, ctx);
    const wa = a.network.getWeights();
    for (const [name, w] of b.network.getWeights()) expect(w).toEqual(wa.get(name));
    const c = new SiStrategy(net(), { training, si: { damping: 0.5 } });
    expect(() => c.load(a.state())).toThrow(/xi/);
    a.dispose();
    b.dispose();
    c.dispose();
  });
});
