import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@retain/core';
import { readRunResults, serializeRunResults, withoutTiming } from '@retain/evaluation';
import { readStoreFile } from '@retain/masks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { PlainView } from '../progress/plain-view.js';
import { readCheckpoint } from './checkpoint.js';
import { runExperiment } from './experiment.js';
import { regenerateReports, runFile } from './run-dir.js';
import { loadRunStrategy } from './run-setup.js';

/** A config that runs in a second or two: 2 tasks of 300 images, MLP 784-32, 1 epoch. */
function tinyConfig(strategy: unknown, scenario: Record<string, unknown> = {}): RunConfig {
  return parseRunConfig(
    {
      name: 'tiny',
      seed: 5,
      scenario: { preset: 'pfmnist-10', tasks: 2, samplesPerTask: 300, testSamplesPerTask: 100, ...scenario },
      model: { architecture: 'mlp', hiddenSizes: [32] },
      strategy,
      training: { epochs: 1, batchSize: 32 },
    },
    'test',
  );
}

describe('runExperiment', () => {
  let dir: string;
  let baseline: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retain-run-'));
    await initBackend('wasm');
    baseline = tf.memory().numTensors;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes identical metrics apart from timing for the same config and seed, with the run directory of the contract', async () => {
    const config = tinyConfig({ name: 'ada-qpacknet', options: { sparsitySearch: { trialEpochs: 1 } } });
    const a = await runExperiment(config, { runDir: join(dir, 'a') });
    expect(tf.memory().numTensors).toBe(baseline);
    const b = await runExperiment(config, { runDir: join(dir, 'b') });
    expect(tf.memory().numTensors).toBe(baseline);
    expect(serializeRunResults(withoutTiming(a))).toBe(serializeRunResults(withoutTiming(b)));
    const onDisk = [await readFile(join(dir, 'a', 'metrics.json'), 'utf8'), await readFile(join(dir, 'b', 'metrics.json'), 'utf8')].map((text) =>
      serializeRunResults(withoutTiming(JSON.parse(text) as typeof a)),
    );
    expect(onDisk[0]).toBe(onDisk[1]);
    for (const file of ['config.json', 'environment.json', 'metrics.json', 'metrics.csv', 'report.md', 'report.html', 'store.rtn', 'checkpoint/checkpoint.json']) {
      expect(existsSync(join(dir, 'a', file)), file).toBe(true);
    }
    expect(a.metrics.experiencesTrained).toBe(2);
    expect(a.costs.size?.totalBytes).toBeGreaterThan(0);
    expect(a.costs.capacity?.tasks).toHaveLength(2);
    expect(a.details.map((d) => typeof d.values['bits'])).toEqual(['number', 'number']);
    expect(a.timing?.experiences).toHaveLength(2);
    const store = await readStoreFile(runFile(join(dir, 'a'), 'store'));
    expect(store.taskIds()).toEqual([1, 2]);
    const environment = JSON.parse(await readFile(runFile(join(dir, 'a'), 'environment'), 'utf8')) as Record<string, unknown>;
    expect(environment).toMatchObject({ seed: 5, embeddedSubset: false, protocol: 'task-incremental', backend: { name: 'wasm' } });
    // Whether the native BLAS path ran is recorded with its reason, either way.
    expect(environment['backend']).toMatchObject({ nativeBlas: { active: expect.any(Boolean), reason: expect.any(String) } });
    expect(JSON.parse(await readFile(runFile(join(dir, 'a'), 'config'), 'utf8'))).toEqual(config);
  });

  it('regenerates the reports from metrics.json byte for byte', async () => {
    const runDir = join(dir, 'a');
    const before = await Promise.all(['csv', 'markdown', 'html'].map((f) => readFile(runFile(runDir, f as 'csv'), 'utf8')));
    await Promise.all(['csv', 'markdown', 'html'].map((f) => rm(runFile(runDir, f as 'csv'))));
    await regenerateReports(runDir);
    const after = await Promise.all(['csv', 'markdown', 'html'].map((f) => readFile(runFile(runDir, f as 'csv'), 'utf8')));
    expect(after).toEqual(before);
    expect(after[1]).toContain('# ada-qpacknet on pfmnist-10');
  });

  it('rebuilds the strategy of a run directory (loadRunStrategy) with the same predictions', async () => {
    const runDir = join(dir, 'a');
    const { strategy, scenario, tasksTrained, config } = await loadRunStrategy(runDir);
    try {
      expect(tasksTrained).toBe(2);
      expect(config.strategy.name).toBe('ada-qpacknet');
      const checkpoint = await readCheckpoint(runDir);
      expect(checkpoint.progress.experiencesDone).toBe(2);
      const results = await readRunResults(runFile(runDir, 'metrics'));
      const test = scenario.experiences[1]!.test;
      const labels = test.labels();
      const predicted = tf.tidy(() => strategy.predict(tf.tensor(test.inputs(), [test.size, ...test.inputShape]), 1).argMax(1).dataSync());
      const correct = labels.reduce((n, y, i) => n + (predicted[i] === y ? 1 : 0), 0);
      expect(correct).toBe(results.matrix.cells.find((c) => c.trained === 1 && c.evaluated === 1)?.correct);
    } finally {
      strategy.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('evaluates a class-incremental benchmark by task inference for a sub-network method, and with one head for a baseline', async () => {
    const lines: string[] = [];
    const inferred = await runExperiment(tinyConfig({ name: 'packnet' }, { preset: 'sfmnist-5', kind: 'class-incremental' }), {
      runDir: join(dir, 'cil-packnet'),
      progress: new PlainView((text) => void lines.push(text)),
    });
    expect(inferred.run.scenarioKind).toBe('class-incremental');
    expect(inferred.run.scenario).toBe('sfmnist-5-cil');
    expect(inferred.run.options['protocol']).toBe('task-inference');
    expect(inferred.run.options['taskInferenceScore']).toBe('entropy');
    // PackNet's size: its encoded sub-network store, which store.rtn holds.
    expect(inferred.costs.size?.totalBytes).toBe((await stat(runFile(join(dir, 'cil-packnet'), 'store'))).size);
    expect(inferred.matrix.cells.every((c) => c.taskInferenceCorrect !== null)).toBe(true);
    expect(inferred.metrics.taskInferenceAccuracy).not.toBeNull();
    // PackNet's capacity from its ownership map: 32 bits per claimed weight, task 0 keeps 1 - 0.75 of every kernel.
    expect(inferred.costs.capacity?.tasks.map((t) => t.bitsPerWeight)).toEqual([32, 32]);
    expect(inferred.costs.capacity?.tasks[0]?.weightFraction).toBeCloseTo(0.25, 2);
    expect(inferred.costs.capacity?.tasks[1]?.weightFraction).toBeCloseTo(0.75 * 0.25, 2);
    expect(inferred.experiences.map((e) => e.classes)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
    const single = await runExperiment(tinyConfig({ name: 'naive' }, { preset: 'sfmnist-5', kind: 'class-incremental' }), { runDir: join(dir, 'cil-naive') });
    expect(single.run.options['protocol']).toBe('class-incremental');
    expect(single.metrics.taskInferenceAccuracy).toBeNull();
    expect(single.run.options['taskInferenceScore']).toBeNull();
    expect(tf.memory().numTensors).toBe(baseline);
    // Plain progress lines: experience, phase, epoch and the table.
    const text = lines.join('');
    expect(text).toMatch(/^experience 1\/2 \(task 0, classes 0,1,2,3,4\): training$/m);
    expect(text).toMatch(/^\[experience 2\/2\] train epoch 1\/1: loss \d+\.\d{4}, \d+\.\d s$/m);
    expect(text).toMatch(/^\[experience 1\/2\] train epoch 1\/1 batch \d+\/10: loss \d+\.\d{4}, \d+ samples\/s, ETA \d+s$/m);
    expect(text).toContain('trained \\ eval');
  });

  it('falls back to the embedded Fashion-MNIST subset when the full data is nowhere, and says so', async () => {
    const empty = join(dir, 'no-data');
    const config = tinyConfig({ name: 'naive' }, { samplesPerTask: 200, cacheDir: empty, dataDir: empty, systemDirs: [empty] });
    const lines: string[] = [];
    const results = await runExperiment(config, { runDir: join(dir, 'embedded'), progress: new PlainView((text) => void lines.push(text)) });
    expect(results.run.options['embeddedSubset']).toBe(true);
    expect(lines.join('')).toContain('this run uses the embedded Fashion-MNIST subset');
    const environment = JSON.parse(await readFile(runFile(join(dir, 'embedded'), 'environment'), 'utf8')) as { embeddedSubset: boolean; dataSource: string };
    expect(environment.embeddedSubset).toBe(true);
    expect(environment.dataSource).toMatch(/^embedded fashion-mnist subset/);
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
