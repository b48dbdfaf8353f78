import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccuracyMatrix } from '@retain/evaluation';
import { STRATEGY_STATE_FORMAT, STRATEGY_STATE_VERSION, type StrategyState } from '@retain/strategies';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, hasCheckpoint, readCheckpoint, writeCheckpoint, type RunProgress } from './checkpoint.js';

function state(seed: number): StrategyState {
  return {
    format: STRATEGY_STATE_FORMAT,
    version: STRATEGY_STATE_VERSION,
    strategy: 'packnet',
    model: { zoo: 'mlp', seed },
    meta: { tasks: [0, 1], phase: 'idle' },
    tensors: { 'weights/dense0/kernel': Float32Array.from([1.5, -2, seed, Number.MIN_VALUE]), 'weights/b': new Float32Array([0.25]) },
    blobs: { 'mask/1': Uint8Array.from([1, 2, 3]), 'mask/2': Uint8Array.from([255]) },
  };
}

function progress(done: number): RunProgress {
  const matrix = new AccuracyMatrix(3);
  for (let i = 0; i < done; i++) for (let j = 0; j <= i; j++) matrix.record(i, j, 5 + i, 10);
  return { experiencesDone: done, matrix: matrix.toJSON(), details: [{ experience: 0, values: { bits: 4 } }], timing: [], elapsedSeconds: 1.5 };
}

describe('checkpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retain-ckpt-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a strategy state and the progress exactly, replacing the previous checkpoint', async () => {
    expect(hasCheckpoint(dir)).toBe(false);
    await writeCheckpoint(dir, state(1), progress(1));
    await writeCheckpoint(dir, state(2), progress(2));
    const read = await readCheckpoint(dir);
    expect(read.state).toEqual(state(2));
    expect(read.progress).toEqual(progress(2));
    expect((await readdir(dir)).sort()).toEqual(['checkpoint']);
  });

  it('falls back to the previous checkpoint when a crash left only checkpoint.old', async () => {
    await writeCheckpoint(dir, state(1), progress(1));
    await rename(join(dir, 'checkpoint'), join(dir, 'checkpoint.old'));
    expect(hasCheckpoint(dir)).toBe(true);
    expect((await readCheckpoint(dir)).progress.experiencesDone).toBe(1);
    await writeCheckpoint(dir, state(2), progress(2));
    expect(existsSync(join(dir, 'checkpoint.old'))).toBe(false);
    expect((await readCheckpoint(dir)).state).toEqual(state(2));
  });

  it('refuses altered arrays and a missing checkpoint', async () => {
    await expect(readCheckpoint(dir)).rejects.toThrow(CheckpointError);
    await writeCheckpoint(dir, state(1), progress(1));
    await writeFile(join(dir, 'checkpoint', 'arrays.bin'), new Uint8Array(12));
    await expect(readCheckpoint(dir)).rejects.toThrow(/arrays\.bin: SHA-256 mismatch/);
  });
});
