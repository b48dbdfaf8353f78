import { createModel, initBackend, tf } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveStrategy } from '../framework/naive-strategy.js';
import type { StrategyPlugin, TrainingBatch } from '../framework/plugin.js';
import type { ProgressEvent } from '../framework/progress.js';
import { gaussianClasses, permutedExperiences } from '../testing/test-experiences.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 1 };

function small(seed = 1) {
  return createModel('mlp', { inputShape: [20], classesPerTask: [], multiHead: true, hiddenSizes: [16], seed });
}

function experiences(tasks = 1, validation = 0) {
  return permutedExperiences(gaussianClasses(30, 4, 20, 3, 1.0), tasks, { train: 80, test: 20, validation, seed: 2 });
}

describe('the shared training loop', () => {
  it('calls the hooks in Avalanche order, once per batch / epoch / experience', async () => {
    const calls: string[] = [];
    const names = [
      'beforeTraining', 'beforeTrainingExperience', 'beforeTrainingEpoch', 'beforeTrainingIteration', 'beforeForward', 'afterForward',
      'beforeBackward', 'afterBackward', 'afterUpdate', 'afterTrainingIteration', 'afterTrainingEpoch', 'afterTrainingExperience', 'afterTraining',
    ] as const;
    const plugin: StrategyPlugin = Object.fromEntries([['name', 'recorder'], ...names.map((n) => [n, () => void calls.push(n)])]) as unknown as StrategyPlugin;
    const [e] = experiences();
    const s = new NaiveStrategy(small(), { training: { epochs: 2, batchSize: 40 }, plugins: [plugin] });
    await s.train(e!, TI);
    const perBatch = names.slice(3, 10);
    const epoch = ['beforeTrainingEpoch', ...perBatch, ...perBatch, 'afterTrainingEpoch'];
    expect(calls).toEqual(['beforeTraining', 'beforeTrainingExperience', ...epoch, ...epoch, 'afterTrainingExperience', 'afterTraining']);
    s.dispose();
  });

  it('adds a plugin penalty to the loss, lets a plugin replace the batch, set the lr and stop', async () => {
    const [e] = experiences();
    const losses: number[] = [];
    const lrs: number[] = [];
    const sizes: number[] = [];
    let weightsSeen = 0;
    const plugin: StrategyPlugin = {
      name: 'tester',
      beforeTrainingIteration(info, slot) {
        // Replay-like: append a copy of the first 5 samples.
        const b = slot.batch;
        const [x, y] = tf.tidy(() => [tf.concat([b.x, b.x.slice([0, 0], [5, -1])]), tf.concat([b.y, b.y.slice([0], [5])]) as tf.Tensor1D]);
        const extra: TrainingBatch = { x: x!, y: y as tf.Tensor1D, size: b.size + 5 };
        slot.replace(extra);
        lrs.push(info.learningRate);
      },
      beforeForward(_info, batch) {
        sizes.push(batch.size);
      },
      beforeBackward() {
        return tf.scalar(100);
      },
      afterBackward(_info, slot) {
        weightsSeen = slot.grads.size;
      },
      afterTrainingIteration(info, loss) {
        losses.push(loss);
        if (info.iteration === 0) info.setLearningRate(0.5);
        if (info.epoch === 1) info.requestStop('enough');
      },
    };
    const before = tf.memory().numTensors;
    const s = new NaiveStrategy(small(), { training: { epochs: 5, batchSize: 40 }, plugins: [plugin] });
    const report = await s.train(e!, TI);
    expect(sizes).toEqual([45, 45, 45]);
    expect(losses.every((l) => l > 100)).toBe(true);
    expect(lrs).toEqual([1e-3, 0.5, 0.5]);
    expect(weightsSeen).toBe(4); // dense1 kernel + bias, head kernel + bias
    expect(report.phases[0]).toMatchObject({ epochsRun: 2, stopReason: 'enough', steps: 3, samples: 135 });
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('early stopping keeps the best epoch\'s weights', async () => {
    const [e] = experiences(1, 20);
    const events: ProgressEvent[] = [];
    // A huge lr makes later epochs worse than the first.
    const s = new NaiveStrategy(small(2), {
      training: { epochs: 6, batchSize: 10, optimizer: { kind: 'sgd', learningRate: 5, momentum: 0.9 }, earlyStopping: { patience: 1 } },
    });
    const report = await s.train(e!, { ...TI, progress: (ev) => events.push(ev) });
    const best = report.phases[0]!.best!;
    const validation = events.filter((ev) => ev.type === 'epoch-end').map((ev) => (ev.type === 'epoch-end' ? (ev.validationLoss ?? NaN) : NaN));
    expect(best.validationLoss).toBe(Math.min(...validation));
    // The phase ran past the best epoch (so restoring mattered).
    expect(best.epoch).toBeLessThan(report.phases[0]!.epochsRun - 1);
    // The restored weights give the best epoch's validation loss again.
    const { validationMetrics } = await import('./evaluate.js');
    const now = validationMetrics((x) => s.predict(x, 0), e!.validation!, 1000);
    expect(now.loss).toBeCloseTo(best.validationLoss, 5);
    s.dispose();
  });

  it('routes mixed-task batches through each task\'s head (segments)', async () => {
    const two = experiences(2);
    const s = new NaiveStrategy(small(3), { training: { epochs: 1, batchSize: 40 } });
    await s.train(two[0]!, TI);
    const headBefore = s.network.parameter('head/task0/kernel').read();
    const mixed = {
      size: 80,
      numBatches: () => 1,
      *batches() {
        const a = two[0]!.train.batches({ batchSize: 40 }).next().value!;
        const b = two[1]!.train.batches({ batchSize: 40 }).next().value!;
        yield { x: tf.concat([a.x, b.x]), y: tf.concat([a.y, b.y]) as tf.Tensor1D, size: 80, segments: [{ taskId: 0, start: 0, size: 40 }, { taskId: 1, start: 40, size: 40 }] };
        tf.dispose([a.x, a.y, b.x, b.y]);
      },
    };
    class Joint extends NaiveStrategy {
      protected override async trainExperience(run: Parameters<NaiveStrategy['trainExperience']>[0]) {
        const vars = [...new Set([...this.network.trainableVariables(0), ...this.network.trainableVariables(1)])];
        await this.runPhase(run, 'joint', {}, { data: mixed, variables: vars });
      }
    }
    const j = new Joint(small(3), { training: { epochs: 1, batchSize: 40 } });
    j.network.addHead(0, 4);
    j.network.setWeights(s.network.getWeights());
    await j.train(two[1]!, TI);
    // Task 0's head moved (its segment trained it), task 1's head exists and trained.
    const headAfter = j.network.parameter('head/task0/kernel').read();
    expect(headAfter.some((v, i) => v !== headBefore[i])).toBe(true);
    expect(j.network.heads.taskIds()).toEqual([0, 1]);
    s.dispose();
    j.dispose();
  });

  it('weight decay touches only weights the trainable mask allows', async () => {
    const [e] = experiences();
    const s = new NaiveStrategy(small(4), { training: { epochs: 1, batchSize: 40, weightDecay: 0.5, weightDecayMode: 'decoupled', optimizer: { kind: 'sgd', learningRate: 0.1 } } });
    s.network.addHead(0, 4);
    const kernel = s.network.parameter('dense1/kernel');
    const before = kernel.read();
    const trainable = new Float32Array(before.length).map((_, i) => (i % 2 === 0 ? 1 : 0));
    kernel.setMasks({ trainable: tf.tensor(trainable, [...kernel.shape]) });
    await s.train(e!, TI);
    const after = kernel.read();
    expect(after.every((v, i) => trainable[i] === 1 || v === before[i])).toBe(true);
    expect(after.some((v, i) => trainable[i] === 1 && v !== before[i])).toBe(true);
    s.dispose();
  });
});
