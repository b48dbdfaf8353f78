import { createModel, initBackend, tf, withLeakCheck } from '@retain/core';
import { samGradient } from '@retain/pruning';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GradientSlot, TrainingBatch, TrainingInfo } from '../framework/plugin.js';
import { NaiveStrategy } from '../framework/naive-strategy.js';
import { crossEntropy } from '../training/loss.js';
import { gaussianClasses, splitExperiences } from '../testing/test-experiences.js';
import { samTrainingPlugin } from './sam-plugin.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('samTrainingPlugin', () => {
  it('hands the optimiser the gradient at w + rho g / |g| (as samGradient computes it) and restores the weights bit for bit', async () => {
    const net = createModel('mlp', { inputShape: [6], numClasses: 3, hiddenSizes: [5], seed: 2 });
    const data = gaussianClasses(4, 3, 6, 1);
    const x = tf.tensor(data.x, [12, 6]);
    const y = tf.tensor1d(data.y, 'int32');
    const variables = net.trainableVariables(0);
    const forward = (input: tf.Tensor, taskId: number, training: boolean) => net.apply(input, { taskId, training });
    const info = { taskId: 0, forward } as unknown as TrainingInfo;
    const batch: TrainingBatch = { x, y, size: 12 };
    const loss = () => crossEntropy(forward(x, 0, true), y);
    const expected = samGradient(loss, variables, { rho: 0.1 });
    await withLeakCheck(() => {
      const before = variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
      const plugin = samTrainingPlugin({ rho: 0.1 });
      plugin.beforeForward?.(info, batch);
      const { value, grads } = tf.variableGrads(loss, variables);
      value.dispose();
      const byName = new Map<string, tf.Tensor>(variables.map((v) => [v.name, grads[v.name] as tf.Tensor]));
      const slot: GradientSlot = {
        grads: byName,
        variables: new Map(variables.map((v) => [v.name, v])),
        set(name, g) {
          byName.get(name)?.dispose();
          byName.set(name, g);
        },
      };
      plugin.afterBackward?.(info, slot);
      variables.forEach((v, i) => {
        const got = byName.get(v.name)?.dataSync() as Float32Array;
        const want = expected.gradients[i] as Float32Array;
        for (let j = 0; j < want.length; j++) expect(got[j]).toBeCloseTo(want[j] as number, 5);
        expect(Array.from(v.dataSync() as Float32Array)).toEqual(Array.from(before[i] as Float32Array));
      });
      tf.dispose([...byName.values()]);
    });
    tf.dispose([x, y]);
    net.dispose();
  });

  it('trains any BaseStrategy through the shared loop without leaking, and rho 0 leaves the gradient alone', async () => {
    const experiences = splitExperiences(gaussianClasses(30, 4, 8, 3), [[0, 1], [2, 3]], 'local');
    const run = async (rho: number | undefined): Promise<Float32Array> => {
      const s = new NaiveStrategy(createModel('mlp', { inputShape: [8], classesPerTask: [], multiHead: true, hiddenSizes: [6], seed: 5 }), {
        plugins: rho === undefined ? [] : [samTrainingPlugin({ rho })],
        training: { epochs: 2, batchSize: 8, optimizer: { kind: 'sgd', learningRate: 0.1 } },
      });
      for (const e of experiences) await s.train(e, { scenarioKind: 'task-incremental', seed: 1 });
      const w = s.network.parameter('dense1/kernel').read();
      s.dispose();
      return w;
    };
    const [plain, zero, sam] = await withLeakCheck(async () => [await run(undefined), await run(0), await run(0.2)]);
    expect(Array.from(zero)).toEqual(Array.from(plain));
    expect(Array.from(sam)).not.toEqual(Array.from(plain));
    expect(() => samTrainingPlugin({ rho: -1 })).toThrow(/rho/);
  });
});
