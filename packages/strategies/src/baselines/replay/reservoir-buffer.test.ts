import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError, Rng } from '@retain/core';
import { BaselineStateError } from '../errors/baseline-errors.js';
import { ReservoirBuffer } from './reservoir-buffer.js';

/**
 * Offers the stream 0..n-1 (item i as the 2-feature input [i, -i], label
 * i % 7, task floor(i / taskSize)) in chunks of at most `chunk` that never
 * straddle a task boundary.
 */
function offerStream(buffer: ReservoirBuffer, n: number, chunk: number, taskSize = n): void {
  let start = 0;
  while (start < n) {
    const task = Math.floor(start / taskSize);
    const size = Math.min(chunk, n - start, (task + 1) * taskSize - start);
    const x = new Float32Array(size * 2);
    const y = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      x[2 * i] = start + i;
      x[2 * i + 1] = -(start + i);
      y[i] = (start + i) % 7;
    }
    buffer.add(x, y, size, task);
    start += size;
  }
}

describe('ReservoirBuffer', () => {
  it('stays bounded and holds distinct, intact samples of the stream', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 17 }), fc.nat(), (capacity, n, chunk, seed) => {
        const buffer = new ReservoirBuffer({ capacity, featureSize: 2, rng: Rng.fromSeed(seed) });
        offerStream(buffer, n, chunk, 10);
        expect(buffer.seen).toBe(n);
        expect(buffer.size).toBe(Math.min(n, capacity));
        const { x, y, taskIds, size } = buffer.contents();
        const ids = new Set<number>();
        for (let i = 0; i < size; i++) {
          const id = x[2 * i]!;
          expect(Number.isInteger(id) && id >= 0 && id < n).toBe(true);
          expect(x[2 * i + 1]).toBe(-id);
          expect(y[i]).toBe(id % 7);
          expect(taskIds[i]).toBe(Math.floor(id / 10));
          ids.add(id);
        }
        expect(ids.size).toBe(size);
        // Until the buffer is full nothing is dropped.
        if (n <= capacity) expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 80 },
    );
  });

  it('keeps every stream item with probability capacity / n, whatever the chunking (a uniform sample)', () => {
    const n = 30;
    const capacity = 6;
    const runs = 3000;
    const counts = new Array<number>(n).fill(0);
    const perTask = [0, 0, 0];
    for (let run = 0; run < runs; run++) {
      const buffer = new ReservoirBuffer({ capacity, featureSize: 2, rng: Rng.fromSeed(run) });
      offerStream(buffer, n, 1 + (run % 5), 10);
      const { x, size } = buffer.contents();
      for (let i = 0; i < size; i++) counts[x[2 * i]!]!++;
      for (const [task, c] of buffer.countByTask()) perTask[task]! += c;
    }
    // Expected 3000 * 6 / 30 = 600 per item, binomial sd ~ 21.9: 5 sd bounds.
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(110);
    // Early and late items equally likely: chi-square over 30 cells, 29 dof (p = 0.001 threshold ~ 58.3).
    const chi = counts.reduce((acc, c) => acc + (c - 600) ** 2 / 600, 0);
    expect(chi).toBeLessThan(58.3);
    // Each task of 10 items holds a third of the memory on average.
    for (const t of perTask) expect(Math.abs(t - (runs * capacity) / 3)).toBeLessThan(200);
  });

  it('is deterministic for a seed and draws distinct stored samples', () => {
    const a = new ReservoirBuffer({ capacity: 10, featureSize: 2, rng: Rng.fromSeed(42) });
    const b = new ReservoirBuffer({ capacity: 10, featureSize: 2, rng: Rng.fromSeed(42) });
    offerStream(a, 100, 8);
    offerStream(b, 100, 8);
    expect(a.contents()).toEqual(b.contents());
    const draw = a.sample(7);
    expect(draw).toEqual(b.sample(7));
    expect(draw.size).toBe(7);
    const stored = new Set(Array.from({ length: a.size }, (_, i) => a.contents().x[2 * i]));
    const drawn = Array.from({ length: 7 }, (_, i) => draw.x[2 * i]!);
    expect(new Set(drawn).size).toBe(7);
    for (const id of drawn) expect(stored.has(id)).toBe(true);
    expect(a.sample(50).size).toBe(10);
    expect(new ReservoirBuffer({ capacity: 3, featureSize: 1, rng: Rng.fromSeed(1) }).sample(2).size).toBe(0);
  });

  it('draws every stored sample equally often', () => {
    const buffer = new ReservoirBuffer({ capacity: 8, featureSize: 2, rng: Rng.fromSeed(5) });
    offerStream(buffer, 8, 8);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 4000; i++) {
      const { x } = buffer.sample(2);
      counts[x[0]!]!++;
      counts[x[2]!]!++;
    }
    // Expected 1000 each, sd ~ 29.
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('round-trips through a checkpoint and continues identically', () => {
    const a = new ReservoirBuffer({ capacity: 5, featureSize: 2, rng: Rng.fromSeed(9) });
    offerStream(a, 40, 3);
    const restored = ReservoirBuffer.fromState(a.toState());
    expect(restored.contents()).toEqual(a.contents());
    expect(restored.seen).toBe(40);
    offerStream(a, 20, 4);
    offerStream(restored, 20, 4);
    expect(restored.contents()).toEqual(a.contents());
    expect(restored.sample(3)).toEqual(a.sample(3));
  });

  it('rejects bad arguments and malformed states', () => {
    const rng = Rng.fromSeed(0);
    expect(() => new ReservoirBuffer({ capacity: 0, featureSize: 2, rng })).toThrow(InvalidArgumentError);
    expect(() => new ReservoirBuffer({ capacity: 2, featureSize: 1.5, rng })).toThrow(InvalidArgumentError);
    const buffer = new ReservoirBuffer({ capacity: 2, featureSize: 2, rng });
    expect(() => buffer.add(new Float32Array(2), new Int32Array(2), 2, 0)).toThrow(InvalidArgumentError);
    expect(() => buffer.add(new Float32Array(4), new Int32Array(2), 2, -1)).toThrow(InvalidArgumentError);
    expect(() => buffer.sample(-1)).toThrow(InvalidArgumentError);
    const state = buffer.toState();
    expect(() => ReservoirBuffer.fromState({ ...state, seen: 1 })).toThrow(BaselineStateError);
    expect(() => ReservoirBuffer.fromState({ ...state, insertRng: [1, 2] })).toThrow(BaselineStateError);
    expect(() => ReservoirBuffer.fromState({ ...state, capacity: -2 })).toThrow(BaselineStateError);
  });
});
