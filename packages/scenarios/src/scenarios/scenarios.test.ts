import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datasetFromArrays } from '../datasets/labeled-images.js';
import { loadEmbeddedFashionMnist } from '../registry/embedded-subset.js';
import { randomBytes } from '../test-support/fixture-files.js';
import { multiDatasetScenario } from './multi-dataset-scenario.js';
import { permutedScenario, rotatedScenario } from './permuted-scenario.js';
import { splitScenario } from './split-scenario.js';
import type { DataSplit, Scenario } from './types.js';

const fmnist = loadEmbeddedFashionMnist();

/** SHA-256 over every experience's every split: all batches (seeded shuffle), inputs and labels, plus metadata. */
function fingerprint(scenario: Scenario): string {
  const hash = createHash('sha256');
  const add = (split: DataSplit | undefined) => {
    if (!split) return;
    for (const b of split.arrayBatches({ batchSize: 64, shuffle: true, seed: 7 })) {
      hash.update(new Uint8Array(b.x.buffer, b.x.byteOffset, b.x.byteLength));
      hash.update(new Uint8Array(b.y.buffer, b.y.byteOffset, b.y.byteLength));
    }
  };
  for (const e of scenario.experiences) {
    hash.update(JSON.stringify([e.index, e.taskId, e.classes, e.numClasses, e.description]));
    add(e.train);
    add(e.validation);
    add(e.test);
  }
  return hash.digest('hex');
}

/** A copy of the first batch's inputs (array batches are views of a reused buffer). */
function firstInputs(split: DataSplit, batchSize: number): Float32Array {
  for (const b of split.arrayBatches({ batchSize })) return b.x.slice();
  return new Float32Array(0);
}

function labelCounts(labels: Int32Array): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

describe('reproducibility', () => {
  const options = { tasks: 3, samplesPerTask: 200, testSamplesPerTask: 50, validationFraction: 0.1 };
  it('the same seed gives bit-identical experiences; a different seed gives different ones', () => {
    for (const build of [
      (seed: number) => permutedScenario(fmnist, { ...options, seed }),
      (seed: number) => rotatedScenario(fmnist, { ...options, seed }),
      (seed: number) => splitScenario(fmnist, { ...options, tasks: 5, classOrder: 'shuffled', seed }),
    ]) {
      const a = fingerprint(build(11));
      expect(fingerprint(build(11))).toBe(a);
      expect(fingerprint(build(12))).not.toBe(a);
    }
  });
});

describe('permuted scenario', () => {
  it('each task permutes the same images with its own fixed permutation; classes shared', () => {
    const s = permutedScenario(fmnist, { seed: 1, tasks: 4, layout: 'flat' });
    expect(s.kind).toBe('task-incremental');
    expect(s.inputShape).toEqual([784]);
    expect(s.source).toContain('embedded fashion-mnist subset');
    const [e0, e1] = s.experiences;
    expect(e0!.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e0!.numClasses).toBe(10);
    expect(e0!.train.size).toBe(6000);
    const x0 = firstInputs(e0!.test, 1);
    const x1 = firstInputs(e1!.test, 1);
    expect(x0).not.toEqual(x1);
    // Same multiset of pixel values: a permutation of the same image.
    expect([...x0].sort()).toEqual([...x1].sort());
    expect(Array.from(e0!.test.labels())).toEqual(Array.from(e1!.test.labels()));
  });

  it('firstTaskUnpermuted keeps task 0 as the original images', () => {
    const s = permutedScenario(fmnist, { seed: 1, tasks: 2, firstTaskUnpermuted: true });
    expect(s.experiences.map((e) => e.description)).toEqual(['unpermuted', 'permutation 1']);
    const x = firstInputs(s.experiences[0]!.test, 2);
    const original = Array.from(fmnist.test.images.subarray(0, 1568), (v) => Math.fround(v / 255));
    expect(Array.from(x)).toEqual(original);
    const permuted = firstInputs(s.experiences[1]!.test, 2);
    expect(Array.from(permuted)).not.toEqual(original);
  });

  it('ten permuted tasks share the dataset: building them allocates index maps, not copies', () => {
    const before = process.memoryUsage().arrayBuffers;
    const s = permutedScenario(fmnist, { seed: 3, tasks: 10 });
    const grown = process.memoryUsage().arrayBuffers - before;
    const oneCopy = fmnist.train.images.byteLength + fmnist.test.images.byteLength;
    expect(s.experiences).toHaveLength(10);
    expect(grown).toBeLessThan(oneCopy / 4);
  });

  it('rejects class-incremental (the classes are the same in every task) and bad task counts', () => {
    expect(() => permutedScenario(fmnist, { seed: 1, tasks: 2, kind: 'class-incremental' as never })).toThrow(/task-incremental' or 'domain-incremental/);
    expect(() => permutedScenario(fmnist, { seed: 1, tasks: 0 })).toThrow(/tasks/);
    expect(() => permutedScenario(fmnist, { seed: -1, tasks: 2 })).toThrow(/seed/);
    expect(() => permutedScenario(fmnist, { seed: 1, tasks: 2, validationFraction: 1 })).toThrow(/validationFraction/);
  });
});

describe('rotated scenario', () => {
  it('defaults to angles evenly spaced over [0, 180); task 0 is the original', () => {
    const s = rotatedScenario(fmnist, { seed: 1, tasks: 4, testSamplesPerTask: 10 });
    expect(s.experiences.map((e) => e.description)).toEqual(['rotation 0 deg', 'rotation 45 deg', 'rotation 90 deg', 'rotation 135 deg']);
    const sample = firstInputs(s.experiences[0]!.test, 10).subarray(0, 784);
    expect(sample.some((v) => v > 0)).toBe(true);
    expect(() => rotatedScenario(fmnist, { seed: 1, tasks: 2, angles: [0] })).toThrow(/2 angles/);
  });
});

describe('split scenario', () => {
  it('task-incremental: pairs {0,1},{2,3},... with labels remapped to 0..1 per task', () => {
    const s = splitScenario(fmnist, { seed: 1, tasks: 5 });
    expect(s.experiences.map((e) => e.classes)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    const e = s.experiences[1]!;
    expect(e.numClasses).toBe(2);
    expect(labelCounts(e.train.labels())).toEqual({ 0: 600, 1: 600 });
    expect(labelCounts(e.test.labels())).toEqual({ 0: 100, 1: 100 });
  });

  it('class-incremental: global labels, one head over all classes', () => {
    const s = splitScenario(fmnist, { seed: 1, tasks: 5, kind: 'class-incremental' });
    const e = s.experiences[3]!;
    expect(e.numClasses).toBe(10);
    expect(labelCounts(e.test.labels())).toEqual({ 6: 100, 7: 100 });
  });

  it('domain-incremental: labels 0..k-1, same head size every task', () => {
    const s = splitScenario(fmnist, { seed: 1, classesPerTask: 2, kind: 'domain-incremental' });
    expect(s.experiences).toHaveLength(5);
    expect(s.experiences.every((e) => e.numClasses === 2)).toBe(true);
    expect(labelCounts(s.experiences[4]!.test.labels())).toEqual({ 0: 100, 1: 100 });
  });

  it('any classes per task, explicit or seeded order', () => {
    const uneven = splitScenario(fmnist, { seed: 1, classesPerTask: [4, 2, 2, 2] });
    expect(uneven.experiences.map((e) => e.classes.length)).toEqual([4, 2, 2, 2]);
    expect(uneven.experiences[0]!.numClasses).toBe(4);
    const explicit = splitScenario(fmnist, { seed: 1, classOrder: [9, 3, 5, 1], tasks: 2 });
    expect(explicit.experiences.map((e) => e.classes)).toEqual([[9, 3], [5, 1]]);
    expect(labelCounts(explicit.experiences[0]!.test.labels())).toEqual({ 0: 100, 1: 100 });
    const shuffled = (seed: number) => splitScenario(fmnist, { seed, classOrder: 'shuffled', tasks: 5 }).experiences.map((e) => e.classes);
    expect(shuffled(4)).toEqual(shuffled(4));
    expect(shuffled(4)).not.toEqual(shuffled(5));
    expect(shuffled(4).flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => splitScenario(fmnist, { seed: 1, tasks: 3 })).toThrow(/tasks x classesPerTask/);
    expect(() => splitScenario(fmnist, { seed: 1, classOrder: [1, 1] })).toThrow(/classOrder/);
  });
});

describe('validation split and caps', () => {
  it('validation is seeded, class-stratified and disjoint from train', () => {
    const s = splitScenario(fmnist, { seed: 2, tasks: 5, validationFraction: 0.2, kind: 'class-incremental' });
    const e = s.experiences[0]!;
    expect(e.train.size).toBe(960);
    expect(e.validation!.size).toBe(240);
    expect(labelCounts(e.validation!.labels())).toEqual({ 0: 120, 1: 120 });
    // Disjoint: no validation input equals a training input of the same task.
    const key = (x: Float32Array, i: number) => Buffer.from(x.buffer, x.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
    const train = e.train.inputs();
    const trainKeys = new Set(Array.from({ length: e.train.size }, (_, i) => key(train, i)));
    const val = e.validation!.inputs();
    for (let i = 0; i < e.validation!.size; i++) expect(trainKeys.has(key(val, i))).toBe(false);
  });

  it('samplesPerTask caps training (train + validation) class-balanced; testSamplesPerTask caps test', () => {
    const s = permutedScenario(fmnist, { seed: 2, tasks: 2, samplesPerTask: 100, testSamplesPerTask: 30, validationFraction: 0.1 });
    const e = s.experiences[1]!;
    expect(e.train.size + e.validation!.size).toBe(100);
    expect(labelCounts(e.train.labels())).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, c) => [c, 9])));
    expect(e.test.size).toBe(30);
    expect(Object.values(labelCounts(e.test.labels()))).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  });
});

describe('multi-dataset scenario', () => {
  const rgb = datasetFromArrays({
    name: 'rgb',
    classNames: ['a', 'b', 'c'],
    train: { images: randomBytes(30 * 3072, 1), labels: Array.from({ length: 30 }, (_, i) => i % 3), shape: [32, 32, 3] },
    test: { images: randomBytes(9 * 3072, 2), labels: Array.from({ length: 9 }, (_, i) => i % 3), shape: [32, 32, 3] },
  });

  it('brings every dataset to one shape (pad, grey to RGB), one task per dataset', () => {
    const s = multiDatasetScenario([rgb, fmnist], { seed: 1, shape: [32, 32, 3], testSamplesPerTask: 20 });
    expect(s.inputShape).toEqual([32, 32, 3]);
    expect(s.classNames).toHaveLength(13);
    expect(s.classNames[3]).toBe('fashion-mnist:T-shirt/top');
    const [a, b] = s.experiences;
    expect(a!.classes).toEqual([0, 1, 2]);
    expect(b!.classes).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(b!.numClasses).toBe(10);
    expect(Math.max(...b!.test.labels())).toBe(9);
    const x = firstInputs(b!.test, 1);
    expect(x).toHaveLength(3072);
    expect(x[0]).toBe(0); // padding
    const at = (r: number, c: number, k: number) => x[(r * 32 + c) * 3 + k];
    expect(at(16, 16, 0)).toBe(at(16, 16, 1));
    expect(at(16, 16, 2)).toBe(at(16, 16, 0));
  });

  it('class-incremental offsets labels by the classes of earlier datasets', () => {
    const s = multiDatasetScenario([rgb, fmnist], { seed: 1, shape: [32, 32, 3], kind: 'class-incremental', testSamplesPerTask: 20 });
    expect(s.experiences[1]!.numClasses).toBe(13);
    expect(Math.min(...s.experiences[1]!.test.labels())).toBe(3);
  });
});
