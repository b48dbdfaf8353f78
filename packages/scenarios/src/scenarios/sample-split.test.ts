import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, tf, withLeakCheck, withLeakCheckSync } from '@retain/core';
import type { LabeledImages } from '../datasets/labeled-images.js';
import { randomBytes } from '../test-support/fixture-files.js';
import { permutationMap } from './pixel-map.js';
import { SampleSplit } from './sample-split.js';

const source: LabeledImages = {
  images: randomBytes(50 * 12, 4),
  labels: Int32Array.from({ length: 50 }, (_, i) => i % 5),
  count: 50,
  shape: [2, 2, 3],
};
const indices = Uint32Array.from({ length: 23 }, (_, i) => 2 * i + 1);
const pixelMap = permutationMap(source.shape, Rng.fromSeed(3));
const labelMap = Int32Array.from([4, 3, 2, 1, 0]);
const split = new SampleSplit({ source, indices, pixelMap, labelMap, layout: 'nhwc' });

/** The input of split position p, computed the slow, obvious way. */
function expected(p: number): number[] {
  const sample = indices[p]!;
  return Array.from(pixelMap.map, (m) => (m < 0 ? 0 : Math.fround(source.images[sample * 12 + m]! / 255)));
}

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('SampleSplit', () => {
  it('builds inputs as pixel / 255 through the pixel map, labels through the label map', () => {
    const all = split.inputs();
    expect(all).toHaveLength(23 * 12);
    for (let p = 0; p < 23; p++) expect(Array.from(all.subarray(p * 12, (p + 1) * 12))).toEqual(expected(p));
    expect(Array.from(split.labels())).toEqual(Array.from(indices, (i) => 4 - (i % 5)));
    expect(split.inputShape).toEqual([2, 2, 3]);
    expect(new SampleSplit({ source, indices, layout: 'flat' }).inputShape).toEqual([12]);
  });

  it('array batches cover the split once, in order or seeded shuffled order, remainder kept or dropped', () => {
    const ordered = [...split.arrayBatches({ batchSize: 5 })].map((b) => [...b.positions]);
    expect(ordered.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(ordered.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
    const shuffled = (seed: number) => [...split.arrayBatches({ batchSize: 5, shuffle: true, seed })].flatMap((b) => [...b.positions]);
    expect(shuffled(1)).toEqual(shuffled(1));
    expect(shuffled(1)).not.toEqual(shuffled(2));
    expect([...shuffled(1)].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect([...split.arrayBatches({ batchSize: 5, dropRemainder: true })]).toHaveLength(4);
    expect(split.numBatches({ batchSize: 5, dropRemainder: true })).toBe(4);
    expect(split.numBatches({ batchSize: 5 })).toBe(5);
    // An rng advances: successive epochs get successive orders.
    const rng = Rng.fromSeed(9);
    const epoch1 = [...split.arrayBatches({ batchSize: 23, shuffle: true, rng })][0]!.positions.slice();
    const epoch2 = [...split.arrayBatches({ batchSize: 23, shuffle: true, rng })][0]!.positions.slice();
    expect(Array.from(epoch1)).not.toEqual(Array.from(epoch2));
  });

  it('batch contents match the slow computation for every position', () => {
    for (const b of split.arrayBatches({ batchSize: 4, shuffle: true, seed: 5 })) {
      b.positions.forEach((p, i) => expect(Array.from(b.x.subarray(i * 12, (i + 1) * 12))).toEqual(expected(p)));
    }
  });

  it('float32 sources are used as given, with or without a pixel map', () => {
    const floats: LabeledImages = { images: Float32Array.from({ length: 3 * 4 }, (_, i) => i - 0.5), labels: Int32Array.of(0, 1, 0), count: 3, shape: [2, 2, 1] };
    const plain = new SampleSplit({ source: floats, indices: Uint32Array.of(2, 0), layout: 'flat' });
    expect(Array.from(plain.inputs())).toEqual([7.5, 8.5, 9.5, 10.5, -0.5, 0.5, 1.5, 2.5]);
    const mapped = new SampleSplit({ source: floats, indices: Uint32Array.of(1), layout: 'flat', pixelMap: { from: [2, 2, 1], to: [2, 2, 1], map: Int32Array.of(3, -1, 1, 0) } });
    expect(Array.from(mapped.inputs())).toEqual([6.5, 0, 4.5, 3.5]);
  });

  it('rejects bad batch options', () => {
    expect(() => [...split.arrayBatches({ batchSize: 0 })]).toThrow(/batchSize/);
    expect(() => [...split.arrayBatches({ batchSize: 2, shuffle: true })]).toThrow(/shuffles are always seeded/);
  });

  it('tensor batches: right shapes and values, no tensor leaked with forEachBatch or manual disposal', async () => {
    await withLeakCheck(async () => {
      const sizes: number[] = [];
      const n = await split.forEachBatch({ batchSize: 8, shuffle: true, seed: 2 }, (batch) => {
        expect(batch.x.shape).toEqual([batch.size, 2, 2, 3]);
        expect(batch.y.dtype).toBe('int32');
        sizes.push(batch.size);
      });
      expect(n).toBe(3);
      expect(sizes).toEqual([8, 8, 7]);
    });
    withLeakCheckSync(() => {
      let b = 0;
      for (const batch of split.batches({ batchSize: 10 })) {
        const x = batch.x.dataSync();
        expect(Array.from(x.subarray(0, 12))).toEqual(expected(10 * b++));
        tf.dispose([batch.x, batch.y]);
      }
      expect(b).toBe(3);
    });
  });

  it('forEachBatch disposes even when the callback throws', async () => {
    await withLeakCheck(async () => {
      await expect(split.forEachBatch({ batchSize: 8 }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    });
  });

  it('keeps earlier batches intact on backends that keep a reference to the input array (cpu)', async () => {
    await tf.setBackend('cpu');
    try {
      const kept = [...split.batches({ batchSize: 5 })];
      expect(Array.from(kept[0]!.x.dataSync().subarray(0, 12))).toEqual(expected(0));
      expect(Array.from(kept[1]!.y.dataSync())).toEqual(Array.from(split.labels().subarray(5, 10)));
      tf.dispose(kept.flatMap((b) => [b.x, b.y]));
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
