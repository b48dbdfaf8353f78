import { createModel, initBackend, Rng, tf, withLeakCheck } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Strategy } from '../framework/strategy.js';
import { EsaclStrategy } from '../esacl/esacl-strategy.js';
import { PackNetStrategy } from '../packnet/packnet-strategy.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { splitExperiences, type LabelledArrays } from '../testing/test-experiences.js';
import { evaluateTaskInference, evaluateTaskInferenceScores } from './evaluate-task-inference.js';
import { inferTaskAndPredict } from './infer-task.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TASKS = 3;
const BLOCK = 16;

/**
 * A split scenario whose tasks are separable: task t's two classes are
 * Gaussian blobs (unit noise around random prototypes) in feature block t,
 * every other feature is small noise (std 0.1). A sub-network trained on task
 * t sees near-zero input in its block for other tasks' samples: its two
 * classes are then nearly equally likely (high entropy).
 */
function blockClasses(perClass: number, seed: number): LabelledArrays {
  const rng = Rng.fromSeed(seed).stream('blocks');
  const features = TASKS * BLOCK;
  const classes = TASKS * 2;
  const protos = Array.from({ length: classes }, () => Float32Array.from({ length: BLOCK }, () => rng.nextNormal()));
  const n = perClass * classes;
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const block = Math.floor(c / 2);
    y[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = 0.1 * rng.nextNormal();
    for (let f = 0; f < BLOCK; f++) x[i * features + block * BLOCK + f] = (protos[c] as Float32Array)[f] as number + rng.nextNormal();
  }
  return { x, y, features };
}

const experiences = splitExperiences(blockClasses(150, 5), [[0, 1], [2, 3], [4, 5]], 'local');

async function trained(kind: 'esacl' | 'packnet'): Promise<Strategy> {
  const net = createModel('mlp', { inputShape: [TASKS * BLOCK], classesPerTask: [], multiHead: true, hiddenSizes: [32, 32], seed: 1 });
  const training = { epochs: 3, batchSize: 16 };
  const s = kind === 'esacl' ? new EsaclStrategy(net, { training }) : new PackNetStrategy(net, { training });
  for (const e of experiences) await s.train(e, { scenarioKind: 'task-incremental', seed: 1 });
  // Install the last task's masks once: a mask strategy keeps the masks of the last sub-network it ran, so
  // leak checks compare like with like (every evaluation below ends with the last task).
  tf.tidy(() => s.predict(tf.zeros([1, TASKS * BLOCK]), TASKS - 1));
  return s;
}

describe('class-incremental inference by minimum entropy', () => {
  for (const kind of ['esacl', 'packnet'] as const) {
    it(`${kind}: task-inference accuracy far above chance (1/3), batch mode above sample mode; with the task right, class accuracy equals the task-incremental one`, async () => {
      const strategy = await trained(kind);
      await withLeakCheck(async () => {
        const perSample = evaluateTaskInference(strategy, experiences, { mode: 'sample', batchSize: 30 });
        const perBatch = evaluateTaskInference(strategy, experiences, { mode: 'batch', batchSize: 30 });
        expect(perSample.total).toBe(experiences.reduce((a, e) => a + e.test.size, 0));
        expect(perSample.taskAccuracy).toBeGreaterThan(0.8);
        expect(perBatch.taskAccuracy).toBeGreaterThanOrEqual(0.95);
        expect(perBatch.taskAccuracy).toBeGreaterThanOrEqual(perSample.taskAccuracy);
        // Class accuracy can only be lost, never gained, by inferring the task.
        const ti = await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' });
        perBatch.experiences.forEach((r, j) => {
          expect(r.accuracy).toBeLessThanOrEqual((ti[j] as { accuracy: number }).accuracy + 1e-12);
          if (r.taskAccuracy === 1) expect(r.accuracy).toBeCloseTo((ti[j] as { accuracy: number }).accuracy, 12);
        });
        expect(perSample.accuracy).toBeGreaterThan(0.7);
        // Every score and mode from one pass equals the one-at-a-time evaluation.
        const all = evaluateTaskInferenceScores(strategy, experiences, { batchSize: 30 });
        expect(all.map((r) => `${r.score}/${r.mode}`)).toEqual(['entropy/sample', 'entropy/batch', 'max-softmax/sample', 'max-softmax/batch', 'max-logit/sample', 'max-logit/batch', 'energy/sample', 'energy/batch']);
        expect(all[0]).toEqual(perSample);
        expect(all[1]).toEqual(perBatch);
        expect(all[6]).toEqual(evaluateTaskInference(strategy, experiences, { mode: 'sample', score: 'energy', batchSize: 30 }));
        // 2-class heads: max-softmax infers exactly what entropy infers.
        expect(all[2]?.taskAccuracy).toBe(perSample.taskAccuracy);
      });
      strategy.dispose();
    });
  }

  it('inferTaskAndPredict: per-sample mode picks a task per row, batch mode one for all rows; global classes from the inferred head', async () => {
    const strategy = await trained('esacl');
    await withLeakCheck(() => {
      // Four test samples of each task, mixed in one batch.
      const rows: Float32Array[] = [];
      const truth: number[] = [];
      for (const e of experiences) {
        const x = e.test.inputs();
        for (let i = 0; i < 4; i++) {
          rows.push(x.subarray(i * e.test.featureSize, (i + 1) * e.test.featureSize));
          truth.push(e.taskId);
        }
      }
      const flat = new Float32Array(rows.length * TASKS * BLOCK);
      rows.forEach((r, i) => flat.set(r, i * TASKS * BLOCK));
      const x = tf.tensor(flat, [rows.length, TASKS * BLOCK]);
      const sample = inferTaskAndPredict(strategy, x, experiences);
      const batch = inferTaskAndPredict(strategy, x, experiences, { mode: 'batch' });
      x.dispose();
      const hits = truth.filter((t, i) => sample.taskId[i] === t).length;
      expect(hits).toBeGreaterThanOrEqual(9);
      expect(new Set(batch.taskId).size).toBe(1);
      expect(sample.entropies).toHaveLength(3);
      sample.globalClass.forEach((c, i) => expect(c).toBe((experiences[sample.taskIndex[i] as number] as Experience).classes[sample.localClass[i] as number]));
    });
    const zeros = tf.zeros([1, TASKS * BLOCK]);
    expect(() => inferTaskAndPredict(strategy, zeros, [])).toThrow(/at least one trained task/);
    expect(() => inferTaskAndPredict(strategy, zeros, [{ taskId: 0, classes: [0, 1, 2] }])).toThrow(/outputs of its head/);
    zeros.dispose();
    strategy.dispose();
  });
});
