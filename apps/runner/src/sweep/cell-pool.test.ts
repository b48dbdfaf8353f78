import { writeRunResults } from '@retain/evaluation';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultJobs, runCells, type CellPoolEvent } from './cell-pool.js';
import { cellDiskState } from './cell-state.js';
import { planCompare } from './sweep-plan.js';
import { FAKE_RETAIN_SCRIPT } from './testing/fake-retain.js';
import { sampleResults } from './testing/sample-results.js';

let dir: string;
let cliPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retain-cell-pool-'));
  cliPath = join(dir, 'fake-retain.mjs');
  await writeFile(cliPath, FAKE_RETAIN_SCRIPT);
  const template = join(dir, 'template-metrics.json');
  await writeRunResults(template, sampleResults({ correct: [[90], [80, 70]], experiences: 2 }));
  process.env.POOL_TEST_DIR = dir;
  process.env.POOL_TEST_TEMPLATE = template;
  process.env.POOL_TEST_SLEEP = '0';
});

afterEach(async () => {
  delete process.env.POOL_TEST_DIR;
  delete process.env.POOL_TEST_TEMPLATE;
  delete process.env.POOL_TEST_SLEEP;
  await rm(dir, { recursive: true, force: true });
});

async function counts(): Promise<number[]> {
  return (await readFile(join(dir, 'counts.txt'), 'utf8')).trim().split('\n').map(Number);
}

describe('runCells', () => {
  it('runs every cell, never more than `jobs` at once, and captures each log', async () => {
    process.env.POOL_TEST_SLEEP = '800';
    const plan = planCompare({ strategies: ['ok'], benchmarks: ['a', 'b', 'c'], seeds: [0, 1], sweepDir: join(dir, 'sweep') });
    const events: CellPoolEvent[] = [];
    const outcomes = await runCells(plan.cells, { jobs: 2, cliPath, onEvent: (event) => events.push(event) });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(6).fill('succeeded'));
    const seen = await counts();
    expect(seen).toHaveLength(6);
    expect(Math.max(...seen)).toBe(2);
    expect(events.filter((event) => event.type === 'started').every((event) => event.type === 'started' && event.running <= 2)).toBe(true);
    expect(events.filter((event) => event.type === 'finished').map((event) => event.type === 'finished' && event.finished)).toEqual([1, 2, 3, 4, 5, 6]);
    const log = await readFile(join(plan.cells[3]!.runDir, 'run.log'), 'utf8');
    expect(log).toMatch(/^# .* starting: /);
    expect(log).toContain(`hello from ok-b run ok-b --out ${plan.cells[3]!.runDir} --seed 1 --quiet`);
    expect(log).toContain('a line on stderr');
    for (const cell of plan.cells) expect(await cellDiskState(cell.runDir)).toBe('complete');
  });

  it('reports a failed cell with its exit code and last log lines, and runs the others', async () => {
    const plan = planCompare({ strategies: ['ok', 'fail', 'okay'], benchmarks: ['x'], seeds: [0], sweepDir: join(dir, 'sweep') });
    const outcomes = await runCells(plan.cells, { jobs: 1, cliPath, tailLines: 5 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    const failed = outcomes[1]!;
    expect(failed.exitCode).toBe(3);
    expect(failed.logTail).toEqual(['line 26', 'line 27', 'line 28', 'line 29', 'line 30']);
    expect(failed.logPath).toBe(join(plan.cells[1]!.runDir, 'run.log'));
    expect(outcomes[0]!.logTail).toEqual([]);
  });

  it('skips complete cells, resumes checkpointed ones and restarts leftovers', async () => {
    const plan = planCompare({ strategies: ['ok'], benchmarks: ['done', 'checkpointed', 'leftover'], seeds: [0], sweepDir: join(dir, 'sweep') });
    const [done, checkpointed, leftover] = plan.cells;
    await mkdir(done!.runDir, { recursive: true });
    await writeRunResults(join(done!.runDir, 'metrics.json'), sampleResults({ correct: [[90], [80, 70]], experiences: 2 }));
    await mkdir(join(checkpointed!.runDir, 'checkpoint'), { recursive: true });
    await writeRunResults(join(checkpointed!.runDir, 'metrics.json'), sampleResults({ correct: [[90]], experiences: 2 }));
    await mkdir(leftover!.runDir, { recursive: true });
    await writeFile(join(leftover!.runDir, 'junk.txt'), 'from an earlier attempt');
    const events: CellPoolEvent[] = [];
    const outcomes = await runCells(plan.cells, { jobs: 2, cliPath, onEvent: (event) => events.push(event) });
    expect(outcomes.map((outcome) => [outcome.status, outcome.mode])).toEqual([
      ['skipped', null],
      ['succeeded', 'resume'],
      ['succeeded', 'fresh'],
    ]);
    expect(events[0]).toMatchObject({ type: 'skipped', finished: 1, total: 3 });
    expect(await readFile(join(checkpointed!.runDir, 'run.log'), 'utf8')).toContain(`hello from resume run --resume ${checkpointed!.runDir} --quiet`);
    expect(existsSync(join(leftover!.runDir, 'junk.txt'))).toBe(false);
    expect(existsSync(join(done!.runDir, 'run.log'))).toBe(false);
  });

  it('on abort sends SIGINT (checkpoint kept), SIGKILLs a child that ignores it, and starts nothing new', async () => {
    const plan = planCompare({ strategies: ['hang', 'stubborn', 'ok'], benchmarks: ['x'], seeds: [0, 1], sweepDir: join(dir, 'sweep') });
    const cells = [plan.cells[0]!, plan.cells[2]!, plan.cells[4]!, plan.cells[5]!]; // hang, stubborn, ok, ok
    const controller = new AbortController();
    // Abort once both children have installed their SIGINT handlers (a slow start must not make this flaky).
    const onEvent = (event: CellPoolEvent): void => {
      if (event.type !== 'started' || event.running !== 2) return;
      const poll = setInterval(() => {
        if (existsSync(join(dir, 'ready-hang')) && existsSync(join(dir, 'ready-stubborn'))) {
          clearInterval(poll);
          controller.abort();
        }
      }, 20);
    };
    const begin = performance.now();
    const outcomes = await runCells(cells, { jobs: 2, cliPath, signal: controller.signal, killGraceMs: 2000, onEvent });
    expect(performance.now() - begin).toBeLessThan(20_000);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['interrupted', 'interrupted', 'not-started', 'not-started']);
    expect(outcomes[0]!.exitCode).toBe(130);
    expect(outcomes[0]!.logTail).toContain('checkpoint saved');
    expect(await cellDiskState(cells[0]!.runDir)).toBe('checkpoint');
    expect(outcomes[1]!.signal).toBe('SIGKILL');
    expect(existsSync(cells[2]!.runDir)).toBe(false);
  });

  it('reports a cell whose process cannot start as failed', async () => {
    const plan = planCompare({ strategies: ['ok'], benchmarks: ['x'], seeds: [0], sweepDir: join(dir, 'sweep') });
    const outcomes = await runCells(plan.cells, { cliPath, nodePath: join(dir, 'no-such-node') });
    expect(outcomes[0]).toMatchObject({ status: 'failed', exitCode: null });
    expect(outcomes[0]!.error).toMatch(/ENOENT/);
  });

  it('refuses a bad job count and defaults to one job per two cores', async () => {
    await expect(runCells([], { jobs: 0 })).rejects.toThrow(/jobs: expected an integer >= 1/);
    expect(defaultJobs(1)).toBe(1);
    expect(defaultJobs(2)).toBe(1);
    expect(defaultJobs(16)).toBe(8);
  });
});

describe('runCells with a cell that cannot be prepared', () => {
  it('fails that cell and runs the others', async () => {
    const plan = planCompare({ strategies: ['ok'], benchmarks: ['blocked', 'fine'], seeds: [0], sweepDir: join(dir, 'sweep') });
    // A checkpointed cell (so nothing is removed) whose run.log is a directory: opening the log fails.
    await mkdir(join(plan.cells[0]!.runDir, 'checkpoint'), { recursive: true });
    await mkdir(join(plan.cells[0]!.runDir, 'run.log'));
    const outcomes = await runCells(plan.cells, { jobs: 2, cliPath });
    expect(outcomes.map((outcome) => [outcome.status, outcome.mode])).toEqual([
      ['failed', 'resume'],
      ['succeeded', 'fresh'],
    ]);
    expect(outcomes[0]!.error).toMatch(/EISDIR/);
  });
});
