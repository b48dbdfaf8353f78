import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { applyOverrides, loadRunConfig, parseRunConfig } from './load.js';

const valid = {
  name: 'tiny',
  seed: 3,
  scenario: { preset: 'pfmnist-10', tasks: 2, samplesPerTask: 100 },
  model: { architecture: 'mlp', hiddenSizes: [32] },
  strategy: { name: 'packnet', options: { pruneFraction: 0.5 } },
  training: { epochs: 1 },
};

function withField(path: string, value: unknown): unknown {
  return applyOverrides(valid, [`${path}=${JSON.stringify(value)}`]);
}

function errorOf(document: unknown, source = 'bad.json'): ConfigError {
  try {
    parseRunConfig(document, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the config validated');
}

describe('config validation', () => {
  it('fills the defaults of a valid config', () => {
    const config = parseRunConfig(valid, 'ok.json');
    expect(config.backend).toBe('wasm');
    expect(config.scenario.allowEmbedded).toBe(true);
    expect(config.scenario.download).toBe(false);
    expect(config.evaluation).toEqual({ batchSize: 1000, taskInferenceMode: 'sample', taskInferenceScore: 'entropy', taskInferenceBatchSize: 128 });
    expect(parseRunConfig({ ...valid, evaluation: { taskInferenceScore: 'energy' } }, 'ok.json').evaluation.taskInferenceScore).toBe('energy');
    expect(config.strategy).toEqual({ name: 'packnet', options: { pruneFraction: 0.5 } });
  });

  it('gives options {} when a strategy has none', () => {
    const config = parseRunConfig({ ...valid, strategy: { name: 'naive' } }, 'ok.json');
    expect(config.strategy).toEqual({ name: 'naive', options: {} });
  });

  const cases: readonly [string, unknown, string][] = [
    ['unknown top-level field', { ...valid, epochs: 3 }, 'bad.json: epochs: expected no such field (not in the schema), got 3'],
    ['misspelt strategy option', withField('strategy.options.pruneFractio', 0.5), 'bad.json: strategy.options.pruneFractio: expected no such field (not in the schema), got 0.5'],
    ['option out of range', withField('strategy.options.pruneFraction', 1.5), 'bad.json: strategy.options.pruneFraction: expected a number < 1, got 1.5'],
    ['unknown strategy', withField('strategy.name', 'packnett'), 'bad.json: strategy.name: expected one of "naive", "joint", "ewc", "online-ewc", "si", "lwf", "replay", "packnet", "wsn", "ada-qpacknet", "blip", "esacl", got "packnett"'],
    ['an option of another strategy', { ...valid, strategy: { name: 'wsn', options: { pruneFraction: 0.5 } } }, 'bad.json: strategy.options.pruneFraction: expected no such field (not in the schema), got 0.5'],
    ['negative hidden size', withField('model.hiddenSizes[0]', -3), 'bad.json: model.hiddenSizes[0]: expected a number > 0, got -3'],
    ['non-integer seed', { ...valid, seed: 1.5 }, 'bad.json: seed: expected an integer, got 1.5'],
    ['missing section', { ...valid, model: undefined }, 'bad.json: model: expected object, got nothing'],
    ['wrong type', withField('training.epochs', 'two'), 'bad.json: training.epochs: expected number, got "two"'],
    ['unknown preset', withField('scenario.preset', 'pmnist-7'), 'bad.json: scenario.preset: expected one of "pmnist-10", "pfmnist-10", "rfmnist-10", "sfmnist-5", "scifar100-10", "cifar10-5", "5-datasets", got "pmnist-7"'],
    ['unknown optimizer', withField('training.optimizer', { kind: 'rmsprop', learningRate: 0.1 }), 'bad.json: training.optimizer.kind: expected one of "adam", "sgd", got "rmsprop"'],
    ['option of another architecture', { ...valid, model: { architecture: 'alexnet-cl', hiddenSizes: [32] } }, "bad.json: model.hiddenSizes: expected no 'hiddenSizes' for architecture alexnet-cl (it takes dropout, bias, init, batchNorm, batchNormAffine, trackRunningStats), got [32]"],
    ['a kind the preset lacks', withField('scenario.kind', 'class-incremental'), 'bad.json: scenario.kind: expected one of task-incremental, domain-incremental for preset pfmnist-10, got "class-incremental"'],
    ['a mask method on a domain-incremental scenario', withField('scenario.kind', 'domain-incremental'), 'bad.json: scenario.kind: expected task-incremental or class-incremental for the sub-network method packnet, got "domain-incremental"'],
    ['an unknown task-inference score', withField('evaluation.taskInferenceScore', 'margin'), 'bad.json: evaluation.taskInferenceScore: expected one of "entropy", "max-softmax", "max-logit", "energy", got "margin"'],
    ['an unknown task-inference mode', withField('evaluation.taskInferenceMode', 'epoch'), 'bad.json: evaluation.taskInferenceMode: expected one of "sample", "batch", got "epoch"'],
    ['a bad name', { ...valid, name: 'my run' }, 'bad.json: name: expected a string of letters, digits, ".", "_" or "-", got "my run"'],
  ];
  for (const [what, document, message] of cases) {
    it(`names the field: ${what}`, () => {
      const error = errorOf(document);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain('\n');
      expect(error.code).toBe('ERR_CONFIG');
    });
  }
});

describe('loadRunConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retain-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and applies --set overrides, re-validated', async () => {
    const path = join(dir, 'run.json');
    await writeFile(path, JSON.stringify(valid));
    const config = await loadRunConfig(path, ['training.epochs=2', 'scenario.samplesPerTask=500', 'strategy.options.pruneFraction=equal', 'model.hiddenSizes[1]=16']);
    expect(config.training.epochs).toBe(2);
    expect(config.scenario.samplesPerTask).toBe(500);
    expect(config.strategy.options).toEqual({ pruneFraction: 'equal' });
    expect(config.model.hiddenSizes).toEqual([32, 16]);
    await expect(loadRunConfig(path, ['training.epochs=-1'])).rejects.toThrow(`${path}: training.epochs: expected a number >= 0, got -1`);
  });

  it('loads a preset by name, with overrides', async () => {
    const config = await loadRunConfig('ada-qpacknet-pfmnist-10', ['training.epochs=2']);
    expect(config.name).toBe('ada-qpacknet-pfmnist-10');
    expect(config.strategy.name).toBe('ada-qpacknet');
    expect(config.training.epochs).toBe(2);
  });

  it('refuses a missing file, bad JSON and a bad --set in one line', async () => {
    await expect(loadRunConfig(join(dir, 'none.json'))).rejects.toThrow(`${join(dir, 'none.json')}: (document): expected a preset name (see \`retain presets\`) or a JSON config file, got no such preset or file`);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"name": ');
    await expect(loadRunConfig(broken)).rejects.toThrow(/^.*broken\.json: \(document\): expected valid JSON, got a syntax error \(.*\)$/);
    await expect(loadRunConfig('naive-pfmnist-10', ['training'])).rejects.toThrow('--set training: (document): expected path=value, got "training"');
    await expect(loadRunConfig('naive-pfmnist-10', ['training..epochs=1'])).rejects.toThrow(
      '--set training..epochs=1: training..epochs: expected a dotted field path such as training.epochs or model.hiddenSizes[0], got "training..epochs"',
    );
    await expect(loadRunConfig('naive-pfmnist-10', ['seed.x=1'])).rejects.toThrow('--set seed.x=1: seed: expected an object to set a field in, got 0');
  });
});
