import { writeRunResults } from '@retain/evaluation';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPlan } from './plan-file.js';
import { executeSweep } from './sweep-execute.js';
import { planCompare } from './sweep-plan.js';
import { FAKE_RETAIN_SCRIPT } from './testing/fake-retain.js';
import { sampleResults } from './testing/sample-results.js';

let dir: string;
let cliPath: string;
let printed: string;
const sink = { write: (text: string) => (printed += text) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retain-sweep-execute-'));
  cliPath = join(dir, 'fake-retain.mjs');
  await writeFile(cliPath, FAKE_RETAIN_SCRIPT);
  const template = join(dir, 'template-metrics.json');
  await writeRunResults(template, sampleResults({ correct: [[90], [80, 70]], experiences: 2, sizeBytes: 4000 }));
  process.env.POOL_TEST_DIR = dir;
  process.env.POOL_TEST_TEMPLATE = template;
  process.env.POOL_TEST_SLEEP = '0';
  printed = '';
});

afterEach(async () => {
  delete process.env.POOL_TEST_DIR;
  delete process.env.POOL_TEST_TEMPLATE;
  delete process.env.POOL_TEST_SLEEP;
  await rm(dir, { recursive: true, force: true });
});

describe('executeSweep', () => {
  it('writes the plan and reports, prints the table and paths, and exits 1 when a cell failed', async () => {
    const plan = planCompare({ strategies: ['ok', 'fail'], benchmarks: ['x'], seeds: [0, 1], sweepDir: join(dir, 'sweep') });
    const execution = await executeSweep(plan, { jobs: 2, cliPath, stdout: sink, stderr: sink });
    expect(execution.exitCode).toBe(1);
    expect(await readPlan(plan.sweepDir)).toEqual(plan);
    expect(printed).toMatch(/\[1\/4\] ok-x-s[01] done in/);
    expect(printed).toMatch(/fail-x-s0 FAILED \(exit 3\)/);
    expect(printed).toContain('    | line 30');
    expect(printed).toContain('| ok | 75.00 ± 0.00 | -10.00 ± 0.00 | 3.91 KiB (10.0×) |');
    expect(printed).toContain(`Report: ${join(plan.sweepDir, 'summary.html')}`);
    expect(printed).toContain('2 cell(s) failed: fail-x-s0, fail-x-s1');
    const markdown = await readFile(join(plan.sweepDir, 'summary.md'), 'utf8');
    expect(markdown).toContain('fail-x-s1: missing, last attempt failed (exit 3)');
    await expect(executeSweep(plan, { cliPath, stdout: sink, stderr: sink })).rejects.toThrow(/a sweep already exists here/);
  });

  it('stops on abort with exit 130 and completes on --resume', async () => {
    const plan = planCompare({ strategies: ['hang', 'ok'], benchmarks: ['x'], seeds: [0], sweepDir: join(dir, 'sweep') });
    const controller = new AbortController();
    const poll = setInterval(() => {
      if (existsSync(join(dir, 'ready-hang'))) {
        clearInterval(poll);
        controller.abort();
      }
    }, 20);
    const first = await executeSweep(plan, { jobs: 1, cliPath, signal: controller.signal, stdout: sink, stderr: sink });
    expect(first.exitCode).toBe(130);
    expect(first.outcomes.map((outcome) => outcome.status)).toEqual(['interrupted', 'not-started']);
    expect(printed).toContain(`Interrupted. Continue with: retain compare --resume ${plan.sweepDir}`);
    // The hanging cell left a checkpoint: on resume it runs `retain run --resume`, which the fake completes.
    const resumed = await executeSweep(await readPlan(plan.sweepDir), { jobs: 2, cliPath, resume: true, stdout: sink, stderr: sink });
    expect(resumed.outcomes.map((outcome) => [outcome.status, outcome.mode])).toEqual([
      ['succeeded', 'resume'],
      ['succeeded', 'fresh'],
    ]);
    expect(resumed.exitCode).toBe(0);
    expect(existsSync(join(plan.sweepDir, 'sweep.json'))).toBe(true);
  });
});
