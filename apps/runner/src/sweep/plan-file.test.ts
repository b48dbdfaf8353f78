import { mkdtemp, rm, writeFile, mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SweepFileError, planPath, readPlan, writeNewPlan } from './plan-file.js';
import { planCompare, planSweep } from './sweep-plan.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retain-plan-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan.json', () => {
  it('round-trips a plan and rebases run directories when the sweep moves', async () => {
    const plan = planSweep({ base: 'packnet-pfmnist-10', grid: [{ path: 'training.epochs', values: ['1', '2'] }], seeds: [0, 1], overrides: ['scenario.tasks=2'], sweepDir: join(dir, 'a') });
    await writeNewPlan(plan);
    expect(await readPlan(join(dir, 'a'))).toEqual(plan);
    await rename(join(dir, 'a'), join(dir, 'b'));
    const moved = await readPlan(join(dir, 'b'));
    expect(moved.sweepDir).toBe(join(dir, 'b'));
    expect(moved.cells.map((cell) => cell.runDir)).toEqual(plan.cells.map((cell) => join(dir, 'b', 'runs', cell.id)));
  });

  it('refuses to overwrite an existing sweep', async () => {
    const plan = planCompare({ strategies: ['packnet'], benchmarks: ['pfmnist-10'], seeds: [0], sweepDir: dir });
    await writeNewPlan(plan);
    await expect(writeNewPlan(plan)).rejects.toThrow(/a sweep already exists here; continue it with `retain compare --resume/);
  });

  it('names the file and field of a bad plan', async () => {
    await expect(readPlan(dir)).rejects.toBeInstanceOf(SweepFileError);
    await mkdir(dir, { recursive: true });
    await writeFile(planPath(dir), '{"schemaVersion": 1');
    await expect(readPlan(dir)).rejects.toThrow(/plan\.json: not JSON/);
    const plan = planCompare({ strategies: ['packnet'], benchmarks: ['pfmnist-10'], seeds: [0], sweepDir: dir });
    await writeFile(planPath(dir), JSON.stringify({ ...plan, cells: [{ ...plan.cells[0], seed: -1 }] }));
    await expect(readPlan(dir)).rejects.toThrow(/plan\.json: cells\.0\.seed: /);
    await writeFile(planPath(dir), JSON.stringify({ ...plan, cells: [{ ...plan.cells[0], id: '../escape' }] }));
    await expect(readPlan(dir)).rejects.toThrow(/cells\.0\.id/);
  });
});
