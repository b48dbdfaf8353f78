import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@retain/core';
import { encodeStore, readStoreFile } from '@retain/masks';
import { BlipStrategy } from '@retain/strategies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { subnetworkStoreOf } from './costs.js';
import { runExperiment } from './experiment.js';
import { runFile } from './run-dir.js';
import { loadRunStrategy } from './run-setup.js';

/** 2 tasks of 200 images, MLP 784-32 with two 10-class heads: 784*32 + 32 + 2 * (32*10 + 10) = 25,780 learnable values. */
function tinyConfig(strategy: unknown): RunConfig {
  return parseRunConfig(
    {
      name: 'tiny-size',
      seed: 6,
      scenario: { preset: 'pfmnist-10', tasks: 2, samplesPerTask: 200, testSamplesPerTask: 50 },
      model: { architecture: 'mlp', hiddenSizes: [32] },
      strategy,
      training: { epochs: 1, batchSize: 50 },
    },
    'test',
  );
}

const DENSE_PARAMETERS = 784 * 32 + 32 + 2 * (32 * 10 + 10);

describe('run costs: size of what each method stores', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retain-costs-'));
    await initBackend('wasm');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [name, options] of [
    ['packnet', { pruneFraction: 0.5, retrainEpochs: 0 }],
    ['esacl', { sparsity: 0.5 }],
    ['wsn', { capacity: 0.3 }],
  ] as const) {
    it(`${name}: size from the encoded sub-network store, which store.rtn holds byte for byte`, async () => {
      const runDir = join(dir, name);
      const results = await runExperiment(tinyConfig({ name, options }), { runDir });
      const size = results.costs.size;
      expect(size).not.toBeNull();
      if (size === null) return;
      expect(size.denseParameterCount).toBe(DENSE_PARAMETERS);
      expect(size.denseFloat32Bytes).toBe(DENSE_PARAMETERS * 4);
      expect((await stat(runFile(runDir, 'store'))).size).toBe(size.totalBytes);
      expect((await readStoreFile(runFile(runDir, 'store'))).taskIds()).toEqual([1, 2]);
      // Float32 sub-networks: 4 bytes per weight some task claimed (capacity counts them), no codebooks.
      const claimed = (results.costs.capacity?.tasks ?? []).reduce((n, t) => n + t.weights, 0);
      expect(size.components['codes']).toBe(4 * claimed);
      expect(size.components['codebooks']).toBe(0);
      expect(size.components['heads']).toBe(4 * 2 * (32 * 10 + 10));
      expect((size.components['masks'] ?? 0) > 0).toBe(name === 'wsn');
      const { strategy } = await loadRunStrategy(runDir);
      try {
        const store = subnetworkStoreOf(strategy);
        expect(store === undefined ? -1 : encodeStore(store).length).toBe(size.totalBytes);
      } finally {
        strategy.dispose();
      }
    });
  }

  it('blip: size from serializeModel(), by component of its format', async () => {
    const runDir = join(dir, 'blip');
    const results = await runExperiment(tinyConfig({ name: 'blip' }), { runDir });
    const size = results.costs.size;
    expect(size).not.toBeNull();
    if (size === null) return;
    expect(Object.keys(size.components)).toEqual(['bitCounts', 'float', 'header', 'quantized']);
    expect(size.denseParameterCount).toBe(DENSE_PARAMETERS);
    const { strategy } = await loadRunStrategy(runDir);
    try {
      expect(strategy).toBeInstanceOf(BlipStrategy);
      expect((strategy as BlipStrategy).serializeModel().length).toBe(size.totalBytes);
    } finally {
      strategy.dispose();
    }
  });

  it('a baseline keeps the dense model itself: no size', async () => {
    const before = tf.memory().numTensors;
    const results = await runExperiment(tinyConfig({ name: 'naive' }), { runDir: join(dir, 'naive') });
    expect(results.costs.size ?? null).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });
});
