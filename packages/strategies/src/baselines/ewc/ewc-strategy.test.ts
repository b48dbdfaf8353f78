import { createModel, initBackend, InvalidArgumentError, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import { StrategyStateError } from '../../framework/strategy-errors.js';
import { gaussianClasses, splitExperiences } from '../../testing/test-experiences.js';
import { EWC_DEFAULT_FISHER_SAMPLES, EWC_DEFAULT_LAMBDA, ONLINE_EWC_DEFAULT_GAMMA } from './ewc-plugin.js';
import { EwcStrategy, OnlineEwcStrategy, type EwcStrategyOptions } from './ewc-strategy.js';

let experiences: Experience[];
const ctx = { scenarioKind: 'task-incremental' as const, seed: 7 };
const training = { epochs: 2, batchSize: 16 };

beforeAll(async () => {
  await initBackend('wasm');
  experiences = splitExperiences(gaussianClasses(30, 6, 12, 3), [[0, 1], [2, 3], [4, 5]], 'local');
});

const net = () => createModel('mlp', { inputShape: [12], classesPerTask: [], multiHead: true, hiddenSizes: [10], seed: 2 });

describe('EwcStrategy and OnlineEwcStrategy', () => {
  it('has documented defaults', () => {
    const s = new EwcStrategy(net());
    expect(s.plugin.lambda).toBe(EWC_DEFAULT_LAMBDA);
    expect(s.plugin.fisherSamples).toBe(EWC_DEFAULT_FISHER_SAMPLES);
    expect(s.plugin.fisherKind).toBe('true');
    expect(s.plugin.online).toBe(false);
    const o = new OnlineEwcStrategy(net());
    expect(o.plugin.gamma).toBe(ONLINE_EWC_DEFAULT_GAMMA);
    expect(o.plugin.online).toBe(true);
    expect(() => new EwcStrategy(net(), { ewc: { lambda: -1 } })).toThrow(InvalidArgumentError);
    expect(() => new OnlineEwcStrategy(net(), { ewc: { gamma: 1.5 } })).toThrow(InvalidArgumentError);
    s.dispose();
    o.dispose();
  });

  it('keeps one penalty per task (EWC) or one running one, gamma-decayed (online EWC), over the shared weights and each task’s own', async () => {
    await withLeakCheck(async () => {
      // lambda 0: both train identically, so their Fishers can be compared.
      const options: EwcStrategyOptions = { training, ewc: { lambda: 0, gamma: 0.5, fisherSamples: 40 } };
      const ewc = new EwcStrategy(net(), options);
      const online = new OnlineEwcStrategy(net(), options);
      for (const e of experiences.slice(0, 2)) {
        await ewc.train(e, ctx);
        await online.train(e, ctx);
      }
      expect(ewc.plugin.penaltyCount).toBe(2);
      expect(online.plugin.penaltyCount).toBe(1);
      const [f0, f1] = ewc.plugin.fishers();
      expect([...f0!.keys()].sort()).toEqual(['dense1/bias', 'dense1/kernel', 'head/task0/bias', 'head/task0/kernel']);
      expect([...f1!.keys()].sort()).toEqual(['dense1/bias', 'dense1/kernel', 'head/task1/bias', 'head/task1/kernel']);
      for (const values of [...f0!.values(), ...f1!.values()]) expect(values.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
      expect(f0!.get('dense1/kernel')!.some((v) => v > 0)).toBe(true);
      // Online: penalty weights gamma * F*, F* = gamma * F_0 + F_1; a task-0-only weight keeps gamma^2 * F_0.
      const [running] = online.plugin.fishers();
      const k0 = f0!.get('dense1/kernel')!;
      const k1 = f1!.get('dense1/kernel')!;
      running!.get('dense1/kernel')!.forEach((v, i) => expect(v).toBeCloseTo(0.5 * (0.5 * k0[i]! + k1[i]!), 6));
      running!.get('head/task0/kernel')!.forEach((v, i) => expect(v).toBeCloseTo(0.25 * f0!.get('head/task0/kernel')![i]!, 6));
      running!.get('head/task1/kernel')!.forEach((v, i) => expect(v).toBeCloseTo(0.5 * f1!.get('head/task1/kernel')![i]!, 6));
      ewc.dispose();
      online.dispose();
    });
  });

  it('estimates the empirical Fisher when asked, which differs from the true one', async () => {
    const t = new EwcStrategy(net(), { training, ewc: { fisherSamples: 60 } });
    const e = new EwcStrategy(net(), { training, ewc: { fisherSamples: 60, fisherKind: 'empirical' } });
    await t.train(experiences[0]!, ctx);
    await e.train(experiences[0]!, ctx);
    const ft = t.plugin.fishers()[0]!.get('dense1/kernel')!;
    const fe = e.plugin.fishers()[0]!.get('dense1/kernel')!;
    expect(ft).not.toEqual(fe);
    t.dispose();
    e.dispose();
  });

  for (const [label, make] of [
    ['EWC', (o: EwcStrategyOptions) => new EwcStrategy(net(), o)],
    ['online EWC', (o: EwcStrategyOptions) => new OnlineEwcStrategy(net(), o)],
  ] as const) {
    it(`${label}: restores its penalties from a checkpoint and trains on identically`, async () => {
      const options: EwcStrategyOptions = { training, ewc: { lambda: 50, fisherSamples: 30 } };
      const a = make(options);
      await a.train(experiences[0]!, ctx);
      await a.train(experiences[1]!, ctx);
      const b = make(options);
      b.load(a.state());
      expect(b.plugin.fishers()).toEqual(a.plugin.fishers());
      await a.train(experiences[2]!, ctx);
      await b.train(experiences[2]!, ctx);
      const wa = a.network.getWeights();
      for (const [name, w] of b.network.getWeights()) expect(w).toEqual(wa.get(name));
      a.dispose();
      b.dispose();
    });
  }

  it('refuses a checkpoint of the other EWC variant', async () => {
    const a = new OnlineEwcStrategy(net(), { training, ewc: { fisherSamples: 10 } });
    await a.train(experiences[0]!, ctx);
    const state = a.state();
    const b = new EwcStrategy(net(), { training });
    expect(() => b.load({ ...state, strategy: 'ewc' })).toThrow(StrategyStateError);
    const c = new OnlineEwcStrategy(net(), { training, ewc: { gamma: 0.9 } });
    expect(() => c.load(state)).toThrow(/gamma/);
    a.dispose();
    b.dispose();
    c.dispose();
  });
});
