import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunResults, serializeRunResults, withoutTiming } from '@retain/evaluation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// These tests spawn the built CLI (nx runs the build before the tests: test.dependsOn build).
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[]): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

const retain = (...args: string[]): Promise<Exit> => start(args).done;

async function waitForFile(path: string, exited: Promise<Exit>): Promise<void> {
  let finished: Exit | undefined;
  void exited.then((exit) => (finished = exit));
  while (!existsSync(path)) {
    if (finished !== undefined) throw new Error(`the run ended (code ${String(finished.code)}) before ${path} appeared: ${finished.stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function metricsWithoutTiming(runDir: string): Promise<string> {
  return serializeRunResults(withoutTiming(parseRunResults(JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8')))));
}

async function checkpointedExperiences(runDir: string): Promise<number> {
  const document = JSON.parse(await readFile(join(runDir, 'checkpoint', 'checkpoint.json'), 'utf8')) as { progress: { experiencesDone: number } };
  return document.progress.experiencesDone;
}

describe('retain CLI (built)', () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the runner first (npx nx run @retain/runner:test builds it)`);
    dir = await mkdtemp(join(tmpdir(), 'retain-cli-'));
    config = join(dir, 'packnet.json');
    // 3 tasks of 1,500 images (train + retrain, 1 epoch each): time enough to stop it after the first checkpoint.
    await writeFile(
      config,
      JSON.stringify({
        name: 'kill-test',
        seed: 11,
        scenario: { preset: 'pfmnist-10', tasks: 3, samplesPerTask: 1500, testSamplesPerTask: 200 },
        model: { architecture: 'mlp', hiddenSizes: [32] },
        strategy: { name: 'packnet', options: { pruneFraction: 'equal', retrainEpochs: 1 } },
        training: { epochs: 1, batchSize: 64 },
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 with one line naming the field for a bad config', async () => {
    const bad = await retain('run', 'naive-pfmnist-10', '--set', 'strategy.options.capacity=0.5', '--quiet');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('naive-pfmnist-10: strategy.options.capacity: expected no such field (not in the schema), got 0.5\n');
    const seed = await retain('run', config, '--seed', '-1');
    expect(seed.code).toBe(2);
    expect(seed.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lists the presets', async () => {
    const listed = await retain('presets');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ {2}ada-qpacknet-pfmnist-10 +ada-qpacknet on permuted Fashion-MNIST/m);
  });

  it('resumes a killed run (SIGKILL after the first checkpoint) to the metrics of an uninterrupted one', async () => {
    const full = join(dir, 'full');
    const uninterrupted = await retain('run', config, '--out', full);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    // stdout is a pipe: plain progress lines, no bar.
    expect(uninterrupted.stdout).toMatch(/^experience 1\/3 \(task 0, permutation 0\): training$/m);
    expect(uninterrupted.stdout).toMatch(/^\[experience 3\/3\] retrain epoch 1\/1: loss \d+\.\d{4}, \d+\.\d s$/m);
    expect(uninterrupted.stdout).toMatch(/^\[experience 1\/3\] prune: /m);
    expect(uninterrupted.stdout).not.toContain('\r');

    const killed = join(dir, 'killed');
    const run = start(['run', config, '--out', killed, '--quiet']);
    await waitForFile(join(killed, 'checkpoint', 'checkpoint.json'), run.done);
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    expect(await checkpointedExperiences(killed)).toBeLessThan(3);

    const resumed = await retain('run', '--resume', killed, '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toBe('');
    expect(await metricsWithoutTiming(killed)).toBe(await metricsWithoutTiming(full));
    const environment = JSON.parse(await readFile(join(killed, 'environment.json'), 'utf8')) as { resumes: { fromExperience: number }[] };
    expect(environment.resumes).toHaveLength(1);

    // `retain report` regenerates the reports from metrics.json.
    const html = await readFile(join(killed, 'report.html'), 'utf8');
    await rm(join(killed, 'report.html'));
    await rm(join(killed, 'metrics.csv'));
    const report = await retain('report', killed);
    expect(report.code).toBe(0);
    expect(await readFile(join(killed, 'report.html'), 'utf8')).toBe(html);
    expect(existsSync(join(killed, 'metrics.csv'))).toBe(true);
  });

  it('stops on SIGINT with exit 130, keeps the checkpoint and prints the resume command', async () => {
    const interrupted = join(dir, 'interrupted');
    const run = start(['run', config, '--out', interrupted, '--quiet']);
    await waitForFile(join(interrupted, 'checkpoint', 'checkpoint.json'), run.done);
    run.child.kill('SIGINT');
    const exit = await run.done;
    expect(exit.code).toBe(130);
    expect(exit.stderr).toBe(`interrupted: checkpoint kept; resume with: retain run --resume ${interrupted}\n`);
    expect(await checkpointedExperiences(interrupted)).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(interrupted, 'checkpoint.tmp'))).toBe(false);
  });
});
