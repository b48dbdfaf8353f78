import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateSweep } from './sweep-aggregate.js';
import { planCompare, planSweep } from './sweep-plan.js';
import { relabelledRuns, sweepHtml, sweepMarkdown, writeSweepReports } from './sweep-report.js';
import { sampleResults, writeSampleResults } from './testing/sample-results.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retain-sweep-aggregate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// 2 experiences; ACC = mean of the last row; BWT = R[1][0] - R[0][0].
const runA0 = { correct: [[90], [80, 70]], experiences: 2, sizeBytes: 4000, trainSeconds: [2, 4] }; // ACC 0.75, BWT -0.10, train 6 s
const runA1 = { correct: [[90], [90, 80]], experiences: 2, sizeBytes: 4000, trainSeconds: [3, 5] }; // ACC 0.85, BWT 0.00, train 8 s
const runB0 = { correct: [[60], [60, 60]], experiences: 2, sizeBytes: 2000, trainSeconds: [1, 1] }; // ACC 0.60

describe('aggregateSweep', () => {
  it('summarises complete runs per strategy x benchmark over seeds, and lists the others', async () => {
    const plan = planCompare({ strategies: ['ada-qpacknet', 'packnet'], benchmarks: ['pfmnist-10'], seeds: [0, 1], sweepDir: dir });
    const [a0, a1, b0, b1] = plan.cells;
    await writeSampleResults(a0!.runDir, sampleResults({ ...runA0, strategy: 'ada-qpacknet', seed: 0 }));
    await writeSampleResults(a1!.runDir, sampleResults({ ...runA1, strategy: 'ada-qpacknet', seed: 1 }));
    await writeSampleResults(b0!.runDir, sampleResults({ ...runB0, strategy: 'packnet', seed: 0 }));
    // packnet seed 1 stopped after its first experience: partial, left out of the means.
    await writeSampleResults(b1!.runDir, sampleResults({ correct: [[50]], experiences: 2, strategy: 'packnet', seed: 1 }));

    const { summary, runs } = await aggregateSweep(plan);
    expect(runs).toHaveLength(3);
    expect(summary.groups.map((group) => [group.row, group.column, group.seeds, group.completeSeeds])).toEqual([
      ['ada-qpacknet', 'pfmnist-10', [0, 1], [0, 1]],
      ['packnet', 'pfmnist-10', [0, 1], [0]],
    ]);
    const ada = summary.groups[0]!.metrics;
    expect(ada.acc!.mean).toBeCloseTo(0.8, 12);
    expect(ada.acc!.std).toBeCloseTo(Math.SQRT2 * 0.05, 12); // sample std of 0.75, 0.85
    expect(ada.bwt!.mean).toBeCloseTo(-0.05, 12);
    expect(ada.averageForgetting!.mean).toBeCloseTo(0.05, 12);
    expect(ada.totalBytes).toEqual({ mean: 4000, std: 0, n: 2 });
    expect(ada.compressionRatio!.mean).toBeCloseTo(10, 12);
    expect(ada.trainSeconds!.mean).toBeCloseTo(7, 9);
    expect(ada.taskInferenceAccuracy).toBeNull();
    const packnet = summary.groups[1]!.metrics;
    expect(packnet.acc).toEqual({ mean: 0.6, std: null, n: 1 });
    expect(summary.cells.map((cell) => cell.state)).toEqual(['complete', 'complete', 'complete', 'incomplete']);
    expect(summary.cells[3]!.runDir).toBe(join('runs', 'packnet-pfmnist-10-s1'));
  });

  it('averages task-inference accuracy of class-incremental runs and marks missing cells', async () => {
    const plan = planCompare({ strategies: ['blip'], benchmarks: ['sfmnist-5-cil'], seeds: [0, 1, 2], sweepDir: dir });
    const kind = { scenarioKind: 'class-incremental' as const, strategy: 'blip', experiences: 2 };
    await writeSampleResults(plan.cells[0]!.runDir, sampleResults({ ...kind, seed: 0, correct: [[90], [80, 70]], taskInference: [[100], [90, 80]] }));
    await writeSampleResults(plan.cells[1]!.runDir, sampleResults({ ...kind, seed: 1, correct: [[90], [80, 70]], taskInference: [[100], [70, 60]] }));
    const { summary } = await aggregateSweep(plan);
    expect(summary.groups[0]!.metrics.taskInferenceAccuracy!.mean).toBeCloseTo(0.75, 12); // (0.85 + 0.65) / 2
    expect(summary.cells[2]).toMatchObject({ state: 'missing', metrics: null, run: null, attempt: null });
  });

  it('keeps sweep grid points apart in the reports', async () => {
    const plan = planSweep({ base: 'ada-qpacknet-pfmnist-10', grid: [{ path: 'strategy.options.bits', values: ['2', '8'] }], seeds: [0], sweepDir: dir });
    await writeSampleResults(plan.cells[0]!.runDir, sampleResults({ ...runA0, strategy: 'ada-qpacknet' }));
    await writeSampleResults(plan.cells[1]!.runDir, sampleResults({ ...runB0, strategy: 'ada-qpacknet' }));
    const aggregated = await aggregateSweep(plan);
    expect(relabelledRuns(aggregated).map((run) => [run.run.strategy, run.run.scenario])).toEqual([
      ['ada-qpacknet-pfmnist-10 bits=2', 'ada-qpacknet-pfmnist-10'],
      ['ada-qpacknet-pfmnist-10 bits=8', 'ada-qpacknet-pfmnist-10'],
    ]);
    const markdown = sweepMarkdown(aggregated);
    expect(markdown).toContain('| ada-qpacknet-pfmnist-10 bits=2 | 75.00 | -10.00 |');
    expect(markdown).toContain('| ada-qpacknet-pfmnist-10 bits=8 | 60.00 | 0.00 |');
  });
});

describe('sweep reports', () => {
  it('writes sweep.json, summary.md with one row per strategy, and a self-contained summary.html', async () => {
    const plan = planCompare({ strategies: ['ada-qpacknet', 'packnet'], benchmarks: ['pfmnist-10'], seeds: [0, 1], sweepDir: dir });
    await writeSampleResults(plan.cells[0]!.runDir, sampleResults({ ...runA0, strategy: 'ada-qpacknet', seed: 0 }));
    await writeSampleResults(plan.cells[1]!.runDir, sampleResults({ ...runA1, strategy: 'ada-qpacknet', seed: 1 }));
    await writeSampleResults(plan.cells[2]!.runDir, sampleResults({ ...runB0, strategy: 'packnet', seed: 0 }));
    const aggregated = await aggregateSweep(plan);
    const paths = await writeSweepReports(dir, aggregated, { subtitle: 'test run' });

    const json = JSON.parse(await readFile(paths.json, 'utf8')) as { schemaVersion: number; kind: string; groups: unknown[]; cells: Array<{ state: string }> };
    expect(json).toMatchObject({ schemaVersion: 1, kind: 'compare' });
    expect(json.groups).toHaveLength(2);
    expect(json.cells.map((cell) => cell.state)).toEqual(['complete', 'complete', 'complete', 'missing']);

    const markdown = await readFile(paths.markdown, 'utf8');
    expect(markdown).toContain('| Strategy | pfmnist-10 ACC | pfmnist-10 BWT | pfmnist-10 size |');
    expect(markdown).toContain('| ada-qpacknet | 80.00 ± 7.07 | -5.00 ± 7.07 | 3.91 KiB (10.0×) |');
    expect(markdown).toContain('| packnet | 60.00 | 0.00 | 1.95 KiB (20.0×) |');
    expect(markdown).toContain('| ada-qpacknet | pfmnist-10 | 2/2 | 80.00 ± 7.07 | -5.00 ± 7.07 | 5.00 ± 7.07 | — | 3.91 KiB (10.0×) | 7.0 ± 1.4 |');
    expect(markdown).toContain('packnet-pfmnist-10-s1: missing');

    const html = await readFile(paths.html, 'utf8');
    expect(html).toBe(await sweepHtml(aggregated, { subtitle: 'test run' }));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<h2>All metrics per group</h2>');
    expect(html).toContain('<th scope="row">ada-qpacknet</th>');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('reports a sweep with no complete cell', async () => {
    const plan = planCompare({ strategies: ['packnet'], benchmarks: ['pfmnist-10'], seeds: [0], sweepDir: dir });
    const aggregated = await aggregateSweep(plan);
    expect(sweepMarkdown(aggregated)).toContain('No cell has complete results yet.');
    expect(await sweepHtml(aggregated)).toContain('packnet-pfmnist-10-s0: missing');
  });
});
