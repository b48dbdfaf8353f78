import { createModel, initBackend, tf, withLeakCheckSync, type MaskedNetwork } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecayScope } from '../training/gradient-step.js';
import { NaiveStrategy } from './naive-strategy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Exposes BaseStrategy's default decayScope. */
class ScopeProbe extends NaiveStrategy {
  scopeOf(variable: tf.Variable): DecayScope {
    return this.decayScope(variable);
  }
}

function mlp(): MaskedNetwork {
  return createModel('mlp', { inputShape: [6], classesPerTask: [], multiHead: true, hiddenSizes: [5], seed: 1 });
}

describe('BaseStrategy.decayScope', () => {
  it("follows each parameter's trainable mask as it changes, finds heads added later, and gives 'none' to other variables", () => {
    withLeakCheckSync(() => {
      const probe = new ScopeProbe(mlp());
      const net = probe.network;
      net.addHead(0, 3);
      const kernel = net.parameter('dense1/kernel');
      expect(probe.scopeOf(kernel.variable)).toBe('all');
      const trainable = tf.tensor2d(Array.from({ length: 30 }, (_, i) => i % 2), [6, 5], 'float32');
      kernel.setMasks({ trainable });
      expect(probe.scopeOf(kernel.variable)).toBe(trainable);
      kernel.clearMasks();
      expect(probe.scopeOf(kernel.variable)).toBe('all');
      net.addHead(1, 2);
      const laterHead = [...net.parameters().values()].find((p) => p.taskId === 1 && p.role === 'kernel');
      expect(laterHead).toBeDefined();
      expect(probe.scopeOf(laterHead!.variable)).toBe('all');
      const zeros = tf.zeros([2]);
      const foreign = tf.variable(zeros);
      zeros.dispose();
      expect(probe.scopeOf(foreign)).toBe('none');
      expect(probe.scopeOf(foreign)).toBe('none');
      foreign.dispose();
      probe.dispose();
    });
  });
});
