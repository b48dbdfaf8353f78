import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFromArrays } from '../datasets/labeled-images.js';
import { ChecksumMismatchError, DatasetNotFoundError } from '../errors/dataset-errors.js';
import { writeImageFolder } from '../formats/image-folder.js';
import { randomBytes, tempDir, writeCifar10, writeCifar100, writeIdxDataset } from '../test-support/fixture-files.js';
import { createScenario } from './create-scenario.js';
import { PRESETS, PRESET_NAMES } from './preset-catalog.js';

const tmp = tempDir();
const dataDir = join(tmp.dir, 'data');
/** Everything off but the dataDir: no env, no cache, no system dirs, no download. */
const isolated = { env: {}, cacheDir: join(tmp.dir, 'cache'), systemDirs: [], download: false } as const;

function folder(name: string, shape: readonly [number, number, number], count: number): void {
  const size = shape[0] * shape[1] * shape[2];
  const split = (n: number, seed: number) => ({ images: randomBytes(n * size, seed), labels: Array.from({ length: n }, (_, i) => i % 10), shape });
  writeImageFolder(join(dataDir, name), datasetFromArrays({ name, classNames: 'abcdefghij'.split(''), train: split(count, 1), test: split(count / 2, 2) }));
}

beforeAll(() => {
  writeIdxDataset(join(dataDir, 'mnist'), { trainCount: 100, testCount: 50 });
  writeIdxDataset(join(dataDir, 'fashion-mnist'), { trainCount: 60, testCount: 20, seed: 9 });
  writeCifar10(join(dataDir, 'cifar10'), 20);
  writeCifar100(join(dataDir, 'cifar100'), 300, 100);
});
afterAll(() => tmp.remove());

describe('createScenario presets', () => {
  it('every preset documents its paper convention', () => {
    for (const name of PRESET_NAMES) expect(PRESETS[name].convention.length).toBeGreaterThan(80);
  });

  it('pfmnist-10 falls back to the embedded subset when the full data is nowhere, and says so', async () => {
    const s = await createScenario('pfmnist-10', { seed: 1, ...isolated, samplesPerTask: 100 });
    expect(s.name).toBe('pfmnist-10');
    expect(s.experiences).toHaveLength(10);
    expect(s.source).toMatch(/^embedded fashion-mnist subset .* the full fashion-mnist was not found \(looked in /);
    expect(s.convention).toContain('Permuted');
    await expect(createScenario('pfmnist-10', { seed: 1, ...isolated, allowEmbedded: false })).rejects.toThrow(DatasetNotFoundError);
  });

  it('sfmnist-5 as task-incremental and class-incremental', async () => {
    const til = await createScenario('sfmnist-5', { seed: 1, ...isolated });
    expect(til.kind).toBe('task-incremental');
    expect(til.experiences.map((e) => e.classes)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    expect(til.experiences[2]!.numClasses).toBe(2);
    const cil = await createScenario('sfmnist-5', { seed: 1, ...isolated, kind: 'class-incremental' });
    expect(cil.experiences[2]!.numClasses).toBe(10);
    expect(new Set(cil.experiences[2]!.test.labels())).toEqual(new Set([4, 5]));
  });

  it('rfmnist-10 rotates by 0, 18, ..., 162 degrees', async () => {
    const s = await createScenario('rfmnist-10', { seed: 1, ...isolated, testSamplesPerTask: 10 });
    expect(s.experiences.map((e) => e.description)).toEqual(Array.from({ length: 10 }, (_, t) => `rotation ${t * 18} deg`));
  });

  it('pmnist-10 reads MNIST from dataDir; synthetic files are refused by the checksums unless verify is structure', async () => {
    await expect(createScenario('pmnist-10', { seed: 1, ...isolated, dataDir })).rejects.toThrow(ChecksumMismatchError);
    const s = await createScenario('pmnist-10', { seed: 1, ...isolated, dataDir, verify: 'structure', layout: 'flat' });
    expect(s.experiences).toHaveLength(10);
    expect(s.inputShape).toEqual([784]);
    expect(s.source).toContain(join(dataDir, 'mnist'));
    const dil = await createScenario('pmnist-10', { seed: 1, ...isolated, dataDir, verify: 'structure', kind: 'domain-incremental', tasks: 3 });
    expect([dil.kind, dil.experiences.length]).toEqual(['domain-incremental', 3]);
    await expect(createScenario('pmnist-10', { seed: 1, ...isolated, dataDir, kind: 'class-incremental' })).rejects.toThrow(/kind/);
  });

  it('pmnist-10 has no embedded fallback: the error says so and lists where it looked', async () => {
    const error = (await createScenario('pmnist-10', { seed: 1, ...isolated }).catch((e: unknown) => e)) as DatasetNotFoundError;
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(error.message).toContain("preset 'pmnist-10' has no embedded fallback");
    expect(error.message).toContain(join(tmp.dir, 'cache', 'mnist'));
  });

  it('scifar100-10 deals 10 fine classes per task in label order; cifar10-5 pairs', async () => {
    const s = await createScenario('scifar100-10', { seed: 1, ...isolated, dataDir });
    expect(s.experiences).toHaveLength(10);
    expect(s.experiences[3]!.classes).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(s.inputShape).toEqual([32, 32, 3]);
    expect(s.experiences[3]!.train.size).toBe(30);
    expect(s.classNames[30]).toBe('dolphin');
    const c = await createScenario('cifar10-5', { seed: 1, ...isolated, dataDir });
    expect(c.experiences.map((e) => e.classes)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    expect(c.experiences[0]!.train.size).toBe(20);
  });

  it('5-datasets: an explicit error naming SVHN and notMNIST when they are not provided', async () => {
    const error = (await createScenario('5-datasets', { seed: 1, ...isolated, dataDir, verify: 'structure' }).catch((e: unknown) => e)) as DatasetNotFoundError;
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(error.dataset).toMatch(/^svhn, notmnist for preset '5-datasets'/);
    expect(error.message).toContain('SVHN is distributed as MATLAB .mat files, which this package does not read');
    expect(error.message).toContain('notMNIST is distributed as folders of PNG files');
    expect(error.message).toContain('retain image folder');
  });

  it('5-datasets: builds 5 tasks at 32x32x3 once SVHN and notMNIST are given as retain image folders', async () => {
    folder('svhn', [32, 32, 3], 40);
    folder('notmnist', [28, 28, 1], 40);
    expect(existsSync(join(dataDir, 'svhn', 'manifest.json'))).toBe(true);
    const s = await createScenario('5-datasets', { seed: 1, ...isolated, dataDir, verify: 'structure' });
    expect(s.experiences.map((e) => e.description.split(' ')[0])).toEqual(['cifar10', 'mnist', 'svhn', 'notmnist', 'fashion-mnist']);
    expect(s.inputShape).toEqual([32, 32, 3]);
    expect(s.classNames).toHaveLength(50);
    expect(s.experiences[1]!.classes[0]).toBe(10);
    expect(s.source).toContain(join(dataDir, 'svhn'));
    expect(s.source).toContain(join(dataDir, 'fashion-mnist'));
    await expect(createScenario('5-datasets', { seed: 1, ...isolated, dataDir, tasks: 4 })).rejects.toThrow(/tasks/);
  });
});
