import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createModel, initBackend, tf } from '@retain/core';
import { AccuracyMatrix, buildRunResults, capacityReport, sizeReport, writeHtmlReport, type RunResults } from '@retain/evaluation';
import { loadEmbeddedFashionMnist, splitScenario } from '@retain/scenarios';
import { PackNetStrategy, evaluateExperiences } from '@retain/strategies';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChromiumNotFoundError } from './browser-errors.js';
import { checkReportRenders } from './check-report.js';
import { chromiumCandidates, findChromium, tryFindChromium } from './find-chromium.js';

/** CI output: the report, its screenshot and metrics of the tiny run stay here as artifacts. */
const RUN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'browser-check', 'packnet-tiny');

const chromium = tryFindChromium();
const skip = chromium === undefined && process.env['RETAIN_SKIP_BROWSER_CHECK'] === '1';
if (skip) {
  console.warn(`SKIPPED the browser check of report.html: no Chromium (looked in ${chromiumCandidates().join(', ')}) and RETAIN_SKIP_BROWSER_CHECK=1. Install it with \`apt-get install chromium\`.`);
}

beforeAll(async () => {
  await initBackend('wasm');
});

/** A real tiny run: PackNet on two 2-class Fashion-MNIST tasks, evaluated after each experience, assembled into RunResults. */
async function tinyRunResults(): Promise<RunResults> {
  const scenario = splitScenario(loadEmbeddedFashionMnist(), { kind: 'task-incremental', classOrder: [0, 1, 2, 3], classesPerTask: 2, samplesPerTask: 96, testSamplesPerTask: 32, seed: 11, layout: 'flat' });
  const network = createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [32, 16], seed: 11 });
  const strategy = new PackNetStrategy(network, { pruneFraction: 0.5, retrainEpochs: 1, training: { epochs: 2, batchSize: 32 } });
  try {
    const experiences = scenario.experiences;
    const matrix = new AccuracyMatrix(experiences.length);
    for (const [i, experience] of experiences.entries()) {
      await strategy.train(experience, { scenarioKind: scenario.kind, seed: 11 });
      const results = await evaluateExperiences(strategy, experiences.slice(0, i + 1), { scenarioKind: scenario.kind });
      results.forEach((r, j) => matrix.record(i, j, r.correct, r.total));
    }
    const state = strategy.state();
    const floatBytes = Object.values(state.tensors).reduce((n, t) => n + t.byteLength, 0);
    const maskBytes = Object.values(state.blobs).reduce((n, b) => n + b.byteLength, 0);
    const kernels = [...network.parameters().values()].filter((p) => p.role === 'kernel' && p.taskId === undefined);
    const tasks = experiences.map((e) => {
      const weights = kernels.reduce((n, p) => n + strategy.ownership.owners(p.name).filter((o) => o === e.taskId + 1).length, 0);
      return { taskId: e.taskId, weights, bits: weights * 32 };
    });
    return buildRunResults({
      run: { strategy: strategy.name, scenario: scenario.name, scenarioKind: scenario.kind, seed: 11, backend: tf.getBackend(), options: { epochs: 2, pruneFraction: 0.5 } },
      experiences: experiences.map((e) => ({ index: e.index, taskId: e.taskId, classes: [...e.classes] })),
      matrix,
      costs: {
        size: sizeReport({ weights: floatBytes, masks: maskBytes }, network.countParameters()),
        capacity: capacityReport(tasks, kernels.reduce((n, p) => n + p.size, 0)),
      },
    });
  } finally {
    strategy.dispose();
  }
}

describe('the HTML report in headless Chromium', () => {
  it.skipIf(skip)('renders every chart as a non-empty SVG with no console error, and saves a screenshot', async () => {
    const results = await tinyRunResults();
    await rm(RUN_DIR, { recursive: true, force: true });
    await mkdir(RUN_DIR, { recursive: true });
    const html = join(RUN_DIR, 'report.html');
    await writeHtmlReport(html, [results], { title: 'retain browser check: PackNet, 2 tiny tasks' });
    const check = await checkReportRenders(html, { screenshotPath: join(RUN_DIR, 'report.png') });
    // ACC curve, size breakdown, accuracy heatmap, capacity per task.
    expect(check.charts.length).toBeGreaterThanOrEqual(4);
    expect(check.svgCount).toBeGreaterThanOrEqual(check.charts.length);
    expect(check.emptyCharts).toEqual([]);
    for (const chart of check.charts) {
      expect(chart.width, chart.id).toBeGreaterThan(50);
      expect(chart.marks, chart.id).toBeGreaterThan(3);
    }
    expect(check.consoleErrors).toEqual([]);
    expect(check.pageErrors).toEqual([]);
    expect(check.failedRequests).toEqual([]);
    expect(check.title).toBe('retain browser check: PackNet, 2 tiny tasks');
    const png = await readFile(join(RUN_DIR, 'report.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect((await stat(join(RUN_DIR, 'report.png'))).size).toBeGreaterThan(10_000);
  });

  it.skipIf(skip)('reports console errors and empty charts of a broken page', async () => {
    const dir = join(RUN_DIR, '..', 'broken-page');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const html = join(dir, 'report.html');
    await writeFile(html, '<!doctype html><html><head><title>broken</title></head><body><figure><svg id="empty" width="0" height="0"></svg></figure><script>console.error("boom"); missing();</script></body></html>');
    const check = await checkReportRenders(html);
    expect(check.emptyCharts).toEqual(['empty']);
    expect(check.consoleErrors).toEqual(['boom']);
    expect(check.pageErrors.join(' ')).toMatch(/missing is not defined/);
  });

  it('without Chromium it fails with the install hint', () => {
    expect(() => findChromium('/nonexistent/chromium')).toThrow(ChromiumNotFoundError);
    expect(() => findChromium('/nonexistent/chromium')).toThrow(/looked in: \/nonexistent\/chromium\): install Debian's chromium with `apt-get install chromium`/);
    expect(chromiumCandidates(undefined, { PATH: '/opt/a:/opt/b', RETAIN_CHROMIUM: '/x/chromium' }).slice(0, 3)).toEqual(['/x/chromium', '/usr/bin/chromium', '/opt/a/chromium']);
  });
});
