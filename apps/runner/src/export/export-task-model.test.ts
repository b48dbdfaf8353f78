import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, createModel, initBackend, tf, type MaskedNetwork } from '@retain/core';
import { loadEmbeddedFashionMnist, splitScenario, type Experience, type InputLayout, type ScenarioKind } from '@retain/scenarios';
import {
  AdaQPacknetStrategy,
  BlipStrategy,
  EsaclStrategy,
  NaiveStrategy,
  PackNetStrategy,
  UnsupportedExportError,
  WsnStrategy,
  type Strategy,
} from '@retain/strategies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from './export-command.js';
import { ExportTargetExistsError, ExportedModelFormatError } from './export-errors.js';
import { exportTaskModel } from './export-task-model.js';
import { loadModelFiles, MODEL_JSON_FILE, WEIGHTS_FILE } from './model-files.js';

let root = '';

beforeAll(async () => {
  await initBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'retain-export-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const TRAINING = { epochs: 2, batchSize: 32 };

/** Two tasks of two Fashion-MNIST classes each from the embedded subset (96 training, 24 test samples per task). */
function tinyExperiences(kind: ScenarioKind, layout: InputLayout): readonly Experience[] {
  return splitScenario(loadEmbeddedFashionMnist(), { kind, classOrder: [0, 1, 2, 3], classesPerTask: 2, samplesPerTask: 96, testSamplesPerTask: 24, seed: 3, layout }).experiences;
}

function mlp(seed: number): MaskedNetwork {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [32, 16], seed });
}

interface Case {
  readonly name: string;
  readonly make: () => Strategy;
  readonly kind: ScenarioKind;
  readonly layout: InputLayout;
  /** Keras layers expected in the exported model (unchecked when absent). */
  readonly layers?: readonly string[];
  /** Keras layers the exported model must contain. */
  readonly includes?: readonly string[];
}

const MLP_LAYERS = ['Dense', 'Dense', 'Dense'];

const CASES: readonly Case[] = [
  { name: 'naive (multi-head)', make: () => new NaiveStrategy(mlp(1), { training: TRAINING }), kind: 'task-incremental', layout: 'flat', layers: MLP_LAYERS },
  {
    name: 'packnet (cnn-small, per-task batch norm)',
    make: () =>
      new PackNetStrategy(createModel('cnn-small', { inputShape: [28, 28, 1], classesPerTask: [], multiHead: true, denseUnits: 16, batchNorm: 'per-task', seed: 2 }), {
        pruneFraction: 0.5,
        retrainEpochs: 1,
        training: { epochs: 1, batchSize: 32 },
      }),
    kind: 'task-incremental',
    layout: 'nhwc',
    layers: ['Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'Flatten', 'Dense', 'BatchNormalization', 'Activation', 'Dense'],
  },
  { name: 'wsn', make: () => new WsnStrategy(mlp(3), { capacity: 0.5, training: TRAINING }), kind: 'task-incremental', layout: 'flat', layers: MLP_LAYERS },
  { name: 'ada-qpacknet', make: () => new AdaQPacknetStrategy(mlp(4), { bits: 4, sparsity: 0.5, training: TRAINING }), kind: 'task-incremental', layout: 'flat', layers: MLP_LAYERS },
  { name: 'esacl', make: () => new EsaclStrategy(mlp(5), { sparsity: 0.5, training: TRAINING }), kind: 'task-incremental', layout: 'flat', layers: MLP_LAYERS },
  { name: 'blip', make: () => new BlipStrategy(mlp(6), { fisherSamples: 64, training: TRAINING }), kind: 'task-incremental', layout: 'flat', layers: MLP_LAYERS },
  {
    name: 'resnet (naive on resnet18-reduced: residual blocks, per-task batch norm)',
    make: () => new NaiveStrategy(createModel('resnet18-reduced', { inputShape: [28, 28, 1], classesPerTask: [], multiHead: true, baseFilters: 2, seed: 10 }), { training: { epochs: 1, batchSize: 32 } }),
    kind: 'task-incremental',
    layout: 'nhwc',
    includes: ['Add', 'ZeroPadding2D', 'BatchNormalization', 'GlobalAveragePooling2D'],
  },
];

async function trained(c: Pick<Case, 'make' | 'kind' | 'layout'>): Promise<{ strategy: Strategy; experiences: readonly Experience[] }> {
  const experiences = tinyExperiences(c.kind, c.layout);
  const strategy = c.make();
  for (const e of experiences) await strategy.train(e, { scenarioKind: c.kind, seed: 1 });
  return { strategy, experiences };
}

function testInputs(e: Experience): tf.Tensor {
  const batch = e.test.arrayBatches({ batchSize: 24 }).next().value;
  if (batch === undefined) throw new Error('empty test split');
  return tf.tensor(batch.x, [batch.y.length, ...e.test.inputShape]);
}

/** Largest |a - b| over entries that are not equal (equal infinities count as equal). */
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

function argmaxRows(values: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / classes; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((values[r * classes + c] as number) > (values[r * classes + best] as number)) best = c;
    out.push(best);
  }
  return out;
}

/** Loads the exported files, predicts `x` and returns the logits; the loaded model is disposed. */
async function exportedLogits(dir: string, x: tf.Tensor): Promise<Float32Array> {
  const model = await tf.loadLayersModel(loadModelFiles(dir));
  try {
    return tf.tidy(() => Float32Array.from((model.predict(x) as tf.Tensor).dataSync() as Float32Array));
  } finally {
    model.dispose();
  }
}

function retainLogits(strategy: Strategy, x: tf.Tensor, taskId: number | undefined): Float32Array {
  return tf.tidy(() => Float32Array.from(strategy.predict(x, taskId).dataSync() as Float32Array));
}

/** Exports every task of a trained strategy and checks the written model against predict; returns the diffs. */
async function checkEveryTask(
  label: string,
  strategy: Strategy,
  experiences: readonly Experience[],
  kind: ScenarioKind,
  layers?: readonly string[],
  includes: readonly string[] = [],
): Promise<number[]> {
  const diffs: number[] = [];
  for (const e of experiences) {
    const taskId = kind === 'task-incremental' ? e.taskId : undefined;
    const dir = join(root, `${label}-task${e.taskId}`);
    const x = testInputs(e);
    // predict first: it installs the task's masks (a mask strategy caches them), as the export does.
    const expected = retainLogits(strategy, x, taskId);
    const before = tf.memory().numTensors;
    const summary = await exportTaskModel(strategy, taskId, dir);
    expect(tf.memory().numTensors).toBe(before);
    if (layers !== undefined) expect(summary.layers).toEqual(layers);
    expect(summary.layers).toEqual(expect.arrayContaining([...includes]));
    expect((await readdir(dir)).sort()).toEqual([MODEL_JSON_FILE, WEIGHTS_FILE]);
    const got = await exportedLogits(dir, x);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    const diff = maxAbsDiff(got, expected);
    expect(diff, `${label} task ${e.taskId}`).toBeLessThan(1e-5);
    expect(argmaxRows(got, summary.classes)).toEqual(argmaxRows(expected, summary.classes));
    diffs.push(diff);
  }
  return diffs;
}

describe('exportTaskModel', () => {
  for (const c of CASES) {
    it(`${c.name}: the written tfjs model predicts what retain predicts, for task 0 and task 1`, async () => {
      const { strategy, experiences } = await trained(c);
      await checkEveryTask(c.name.split(' ')[0] ?? c.name, strategy, experiences, c.kind, c.layers, c.includes);
      // Task 0 and task 1 really are different sub-networks (different heads at least).
      const t0 = JSON.parse(await readFile(join(root, `${c.name.split(' ')[0] ?? c.name}-task0`, MODEL_JSON_FILE), 'utf8')) as { userDefinedMetadata: { retain: { networkTask: number; strategy: string } } };
      expect(t0.userDefinedMetadata.retain).toMatchObject({ networkTask: 0, strategy: strategy.name });
      strategy.dispose();
    });
  }

  it('single head, class-incremental: the seen-class masking is in the model (-Infinity logits for unseen classes)', async () => {
    const make = (): Strategy => new NaiveStrategy(createModel('mlp', { inputShape: [784], numClasses: 10, hiddenSizes: [32], seed: 7 }), { training: TRAINING });
    const { strategy, experiences } = await trained({ make, kind: 'class-incremental', layout: 'flat' });
    await checkEveryTask('naive-ci', strategy, experiences, 'class-incremental', MLP_LAYERS.slice(1));
    const x = testInputs(experiences[0] as Experience);
    const got = await exportedLogits(join(root, 'naive-ci-task0'), x);
    x.dispose();
    expect(got.filter((v) => v === -Infinity).length).toBe(24 * 6);
    strategy.dispose();
  });

  it('tinynet (numeric padding as zeroPadding2d, shared batch norm, dropout) exports faithfully too', async () => {
    const rng = Rng.fromSeed(4).stream('inputs');
    const nets = [
      createModel('tinynet', { inputShape: [16, 16, 3], classesPerTask: [3], channels: 4, hiddenSizes: [8], convBias: true, seed: 1 }),
      createModel('tinynet', { inputShape: [16, 16, 3], classesPerTask: [3], channels: 4, hiddenSizes: [8, 6], batchNorm: 'shared', dropout: 0.2, seed: 2 }),
    ];
    for (const net of nets) {
      const strategy = new NaiveStrategy(net);
      const shape = [...net.inputShape];
      const x = tf.tensor(Float32Array.from({ length: 4 * shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(0, 1)), [4, ...shape]);
      const expected = retainLogits(strategy, x, 0);
      const summary = await exportTaskModel(strategy, 0, join(root, `tinynet-${nets.indexOf(net)}`));
      expect(maxAbsDiff(await exportedLogits(summary.dir, x), expected)).toBeLessThan(1e-5);
      expect(summary.layers.filter((l) => l === 'ZeroPadding2D')).toHaveLength(4);
      if (nets.indexOf(net) === 1) expect(summary.layers).toEqual(expect.arrayContaining(['BatchNormalization', 'Dropout']));
      x.dispose();
      strategy.dispose();
    }
    expect(JSON.parse(await readFile(join(root, 'tinynet-1', MODEL_JSON_FILE), 'utf8'))).toMatchObject({ format: 'layers-model' });
  });

  it('refuses to overwrite a non-empty directory unless forced, atomically, and says what cannot be exported', async () => {
    const { strategy } = await trained({ make: () => new NaiveStrategy(mlp(8), { training: { epochs: 1, batchSize: 32 } }), kind: 'task-incremental', layout: 'flat' });
    const dir = join(root, 'occupied');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'keep.txt'), 'mine');
    await expect(exportTaskModel(strategy, 0, dir)).rejects.toThrow(ExportTargetExistsError);
    expect(await readdir(dir)).toEqual(['keep.txt']);
    const summary = await exportTaskModel(strategy, 1, dir, { force: true });
    expect((await readdir(dir)).sort()).toEqual([MODEL_JSON_FILE, WEIGHTS_FILE]);
    expect(summary.weightBytes).toBe(4 * summary.parameters);
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await expect(exportTaskModel(strategy, 5, join(root, 'never'))).rejects.toThrow(/task 5/);
    strategy.dispose();
    const batchStats = new NaiveStrategy(createModel('mlp', { inputShape: [4], numClasses: 2, hiddenSizes: [3], batchNorm: 'shared', trackRunningStats: false }));
    await expect(exportTaskModel(batchStats, undefined, join(root, 'batch-stats'))).rejects.toThrow(UnsupportedExportError);
    await expect(exportTaskModel(batchStats, undefined, join(root, 'batch-stats'))).rejects.toThrow(/architecture 'mlp': bn1: batch norm without running statistics/);
    batchStats.dispose();
    await expect(tf.loadLayersModel(loadModelFiles(join(root, 'missing')))).rejects.toThrow(ExportedModelFormatError);
  });

  it('exportCommand loads the run strategy, exports the task and disposes the strategy', async () => {
    const { strategy } = await trained({ make: () => new NaiveStrategy(mlp(9), { training: { epochs: 1, batchSize: 32 } }), kind: 'task-incremental', layout: 'flat' });
    const seen: string[] = [];
    const summary = await exportCommand('/runs/example', {
      task: 1,
      out: join(root, 'command'),
      load: (runDir) => {
        seen.push(runDir);
        return Promise.resolve({ strategy, tasksTrained: 2 });
      },
    });
    expect(seen).toEqual(['/runs/example']);
    expect(summary).toMatchObject({ strategy: 'naive', taskId: 1, networkTask: 1, architecture: 'mlp', classes: 2, inputShape: [784] });
    expect(() => tf.tidy(() => strategy.predict(tf.zeros([1, 784]), 0))).toThrow(/after dispose/);
    await expect(exportCommand('/runs/example', { task: -1, out: join(root, 'x'), load: () => Promise.reject(new Error('not called')) })).rejects.toThrow(/--task/);
  });
});
