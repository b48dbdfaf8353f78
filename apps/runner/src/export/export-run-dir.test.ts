import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@retain/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunStrategy, parseRunConfig, runExperiment } from '../index.js';
import { exportCommand, formatExportSummary } from './export-command.js';
import { loadModelFiles } from './model-files.js';

let dir = '';

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'retain-export-run-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('retain export on a run directory', () => {
  it('exports each task of a real run; the files predict what the rebuilt strategy predicts', async () => {
    const config = parseRunConfig(
      {
        name: 'tiny-export',
        seed: 2,
        scenario: { preset: 'pfmnist-10', tasks: 2, samplesPerTask: 200, testSamplesPerTask: 50 },
        model: { architecture: 'mlp', hiddenSizes: [32] },
        strategy: { name: 'packnet', options: {} },
        training: { epochs: 1, batchSize: 32 },
      },
      'test',
    );
    const runDir = join(dir, 'run');
    await runExperiment(config, { runDir });
    const baseline = tf.memory().numTensors;
    const summaries = [];
    for (const task of [0, 1]) {
      const summary = await exportCommand(runDir, { task, out: join(dir, `task${task}`), load: loadRunStrategy });
      expect(summary).toMatchObject({ strategy: 'packnet', taskId: task, architecture: 'mlp', classes: 10 });
      expect(formatExportSummary(summary)).toContain(`exported packnet task ${task} (mlp`);
      expect(tf.memory().numTensors).toBe(baseline);
      summaries.push(summary);
    }
    const { strategy, scenario } = await loadRunStrategy(runDir);
    for (const [task, summary] of summaries.entries()) {
      const model = await tf.loadLayersModel(loadModelFiles(summary.dir));
      const test = scenario.experiences[task]?.test;
      if (test === undefined) throw new Error('missing experience');
      const [expected, got] = tf.tidy(() => {
        const x = tf.tensor(test.inputs(), [test.size, ...test.inputShape]);
        return [strategy.predict(x, task).dataSync(), (model.predict(x) as tf.Tensor).dataSync()] as const;
      });
      model.dispose();
      let max = 0;
      for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs((expected[i] as number) - (got[i] as number)));
      expect(got.length).toBe(expected.length);
      expect(max).toBeLessThan(1e-5);
    }
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
