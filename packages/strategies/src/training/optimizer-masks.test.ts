import { createModel, initBackend, Rng, tf, type MaskedNetwork } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GradientSlot, StrategyPlugin, TrainingBatch } from '../framework/plugin.js';
import { gradientStep, type StepSpec } from './gradient-step.js';
import { ManagedOptimizer, type OptimizerConfig } from './optimizer.js';
import type { WeightDecayMode } from './training-config.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Tensors tfjs' own optimiser leaves after dispose (MomentumOptimizer keeps its momentum scalar); ours leave none. */
function tfjsOwnLeak(config: OptimizerConfig): number {
  if (config.kind !== 'sgd' || (config.momentum ?? 0) === 0) return 0;
  const before = tf.memory().numTensors;
  tf.train.momentum(config.learningRate, config.momentum ?? 0).dispose();
  const leaked = tf.memory().numTensors - before;
  return leaked;
}

/** A plugin that records the sum of |gradient| of one variable, as SAM or SI would read it. */
function gradientReader(name: () => string, seen: number[]): StrategyPlugin {
  return {
    name: 'reader',
    afterBackward(_info, slot: GradientSlot) {
      seen.push(tf.tidy(() => tf.sum(tf.abs(slot.grads.get(name()) as tf.Tensor)).dataSync()[0] ?? NaN));
    },
  };
}

/**
 * Three training steps of a small MLP with a trainable mask on each kernel applied
 * where `where` says; returns the final weights and what the reader plugin saw.
 */
function train(where: 'gradient' | 'optimizer', optimizer: OptimizerConfig, weightDecay: number, mode: WeightDecayMode, withPlugin: boolean): { weights: Float32Array[]; seen: number[] } {
  const before = tf.memory().numTensors;
  const rng = Rng.fromSeed(3);
  const net: MaskedNetwork = createModel('mlp', { inputShape: [12], numClasses: 4, hiddenSizes: [8], seed: 2 });
  const kernels = [...net.parameters().values()].filter((p) => p.role === 'kernel');
  for (const p of kernels) {
    const mask = tf.tensor(Float32Array.from({ length: p.size }, () => (rng.nextFloat() < 0.5 ? 1 : 0)), [...p.shape]);
    p.setMasks({ trainable: mask, trainableIn: where });
  }
  const managed = new ManagedOptimizer(optimizer);
  const seen: number[] = [];
  const first = kernels[0]!;
  const spec: StepSpec = {
    info: { taskId: 0 } as StepSpec['info'],
    plugins: withPlugin ? [gradientReader(() => first.variable.name, seen)] : [],
    forward: (x, taskId, training) => net.apply(x, { taskId, training }),
    variables: net.trainableVariables(0),
    optimizer: managed,
    weightDecay,
    weightDecayMode: mode,
    decayScope: (v) => kernels.find((p) => p.variable === v)?.trainableMask ?? 'all',
    gradientMask: (v) => kernels.find((p) => p.variable === v)?.optimizerMask,
  };
  for (let s = 0; s < 3; s++) {
    const batch: TrainingBatch = {
      x: tf.tensor(Float32Array.from({ length: 16 * 12 }, () => rng.uniform(-1, 1)), [16, 12]),
      y: tf.tensor1d(Int32Array.from({ length: 16 }, () => rng.nextInt(4)), 'int32'),
      size: 16,
    };
    gradientStep(spec, batch);
    tf.dispose([batch.x, batch.y]);
  }
  const weights = [...net.parameters().values()].map((p) => p.read());
  managed.dispose();
  net.dispose();
  expect(tf.memory().numTensors - before).toBe(tfjsOwnLeak(optimizer));
  return { weights, seen };
}

describe("trainable masks applied by the optimiser (trainableIn: 'optimizer')", () => {
  it.each([
    ['adam', { kind: 'adam', learningRate: 0.01 }, 0, 'l2'],
    ['adam + l2 decay', { kind: 'adam', learningRate: 0.01 }, 0.01, 'l2'],
    ['adam + decoupled decay', { kind: 'adam', learningRate: 0.01 }, 0.01, 'decoupled'],
    ['sgd + momentum', { kind: 'sgd', learningRate: 0.1, momentum: 0.9 }, 0, 'l2'],
  ] as const)('%s: the same weights as masking in the backward pass; a plugin reading gradients sees the masked ones', (_label, optimizer, wd, mode) => {
    for (const withPlugin of [false, true]) {
      const inGradient = train('gradient', optimizer, wd, mode, withPlugin);
      const inOptimizer = train('optimizer', optimizer, wd, mode, withPlugin);
      inGradient.weights.forEach((w, i) => expect(Array.from(inOptimizer.weights[i]!)).toEqual(Array.from(w)));
      expect(inOptimizer.seen).toEqual(inGradient.seen);
      if (withPlugin) expect(inGradient.seen).toHaveLength(3);
    }
  });
});
