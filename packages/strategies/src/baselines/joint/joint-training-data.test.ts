import { initBackend, InvalidArgumentError, Rng, withLeakCheckSync } from '@retain/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArraySplit } from '../../testing/array-split.js';
import type { TrainingBatch } from '../../framework/plugin.js';
import { jointTrainingData, type JointPart } from './joint-training-data.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Part k holds samples whose 2 features are [k, i] and whose label is 100 k + i. */
function parts(sizes: readonly number[], taskOf: (k: number) => number): JointPart[] {
  return sizes.map((n, k) => {
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = k;
      x[2 * i + 1] = i;
      y[i] = 100 * k + i;
    }
    return { split: new ArraySplit(x, y, [2]), taskId: taskOf(k) };
  });
}

interface Seen {
  ids: number[];
  sizes: number[];
}

/** Reads one pass, checking each batch's segments against its samples, and disposes the tensors. */
function readPass(batches: Iterable<TrainingBatch>, taskOf: (k: number) => number): Seen {
  const seen: Seen = { ids: [], sizes: [] };
  for (const b of batches) {
    const x = b.x.dataSync();
    const y = b.y.dataSync();
    for (let i = 0; i < b.size; i++) {
      expect(y[i]).toBe(100 * x[2 * i]! + x[2 * i + 1]!);
      seen.ids.push(y[i]!);
    }
    if (b.segments !== undefined) {
      let start = 0;
      for (const s of b.segments) {
        expect(s.start).toBe(start);
        for (let i = s.start; i < s.start + s.size; i++) expect(taskOf(x[2 * i]!)).toBe(s.taskId);
        start += s.size;
      }
      expect(start).toBe(b.size);
    } else {
      expect(new Set(Array.from({ length: b.size }, (_, i) => taskOf(x[2 * i]!))).size).toBeLessThanOrEqual(1);
    }
    seen.sizes.push(b.size);
    b.x.dispose();
    b.y.dispose();
  }
  return seen;
}

describe('jointTrainingData', () => {
  it('gives every sample of every part exactly once per pass, grouped by task into segments', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 17 }), fc.nat(), fc.boolean(), (sizes, batchSize, seed, perTask) => {
        const taskOf = (k: number): number => (perTask ? k : 0);
        const data = jointTrainingData(parts(sizes, taskOf));
        const total = sizes.reduce((a, b) => a + b, 0);
        expect(data.size).toBe(total);
        expect(data.numBatches(batchSize)).toBe(Math.ceil(total / batchSize));
        withLeakCheckSync(() => {
          const seen = readPass(data.batches(batchSize, Rng.fromSeed(seed)), taskOf);
          const expected = sizes.flatMap((n, k) => Array.from({ length: n }, (_, i) => 100 * k + i));
          expect([...seen.ids].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
          expect(seen.sizes.length).toBe(Math.ceil(total / batchSize));
          expect(seen.sizes.slice(0, -1).every((s) => s === batchSize)).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('mixes the parts (not one after the other) and reshuffles every pass; in order without a generator', () => {
    const data = jointTrainingData(parts([50, 50], (k) => k));
    const rng = Rng.fromSeed(3);
    const first = readPass(data.batches(10, rng), (k) => k).ids;
    const second = readPass(data.batches(10, rng), (k) => k).ids;
    expect(first).not.toEqual(second);
    // The first batch draws from both parts.
    expect(new Set(first.slice(0, 10).map((id) => Math.floor(id / 100))).size).toBe(2);
    const again = readPass(data.batches(10, Rng.fromSeed(3)), (k) => k).ids;
    expect(again).toEqual(first);
    const ordered = readPass(data.batches(10, undefined), (k) => k).ids;
    expect(ordered).toEqual([...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 50 }, (_, i) => 100 + i)]);
  });

  it('rejects no parts and parts of different input shapes', () => {
    expect(() => jointTrainingData([])).toThrow(InvalidArgumentError);
    const a = parts([2], () => 0)[0]!;
    const b = { split: new ArraySplit(new Float32Array(3), Int32Array.of(0), [3]), taskId: 1 };
    expect(() => jointTrainingData([a, b])).toThrow(InvalidArgumentError);
  });
});
