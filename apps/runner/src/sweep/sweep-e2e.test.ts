// End to end through the built CLI: `retain run` child processes for real, tiny runs.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeSweep } from './sweep-execute.js';
import { planCompare } from './sweep-plan.js';

const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// The child processes run the built CLI: the runner's test target depends on its build (nx), so a missing
// dist is an error here, not a reason to skip.
if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build the runner first (npx nx run @retain/runner:build)`);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retain-sweep-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('retain compare end to end (built CLI at dist/cli/main.js)', () => {
  it('runs a 2-cell compare in parallel and writes summary.md with both rows', async () => {
    const tiny = ['scenario.tasks=2', 'scenario.samplesPerTask=200', 'scenario.testSamplesPerTask=100', 'training.epochs=1'];
    const plan = planCompare({ strategies: ['packnet', 'ada-qpacknet'], benchmarks: ['pfmnist-10'], seeds: [0], overrides: tiny, sweepDir: join(dir, 'sweep') });
    let printed = '';
    const sink = { write: (text: string) => (printed += text) };
    const execution = await executeSweep(plan, { jobs: 2, cliPath, stdout: sink, stderr: sink });
    expect(execution.outcomes.map((outcome) => outcome.status), printed).toEqual(['succeeded', 'succeeded']);
    expect(execution.exitCode).toBe(0);
    const markdown = await readFile(join(dir, 'sweep', 'summary.md'), 'utf8');
    expect(markdown).toMatch(/^\| packnet \| \d+\.\d\d \| -?\d+\.\d\d \|/m);
    expect(markdown).toMatch(/^\| ada-qpacknet \| \d+\.\d\d \| -?\d+\.\d\d \|/m);
    const summary = JSON.parse(await readFile(join(dir, 'sweep', 'sweep.json'), 'utf8')) as { cells: Array<{ state: string; run: { strategy: string } }> };
    expect(summary.cells.map((cell) => [cell.state, cell.run.strategy])).toEqual([
      ['complete', 'packnet'],
      ['complete', 'ada-qpacknet'],
    ]);
    expect(existsSync(join(dir, 'sweep', 'summary.html'))).toBe(true);
    expect(printed).toContain(`Report: ${join(dir, 'sweep', 'summary.html')}`);
    // Resuming a finished sweep skips every cell.
    const again = await executeSweep(plan, { jobs: 2, cliPath, resume: true, stdout: sink, stderr: sink });
    expect(again.outcomes.map((outcome) => outcome.status)).toEqual(['skipped', 'skipped']);
  });
});
