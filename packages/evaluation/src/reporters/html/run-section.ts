import type { RunResults } from '../../results/run-results.js';
import { formatBytes, formatPercent, MISSING } from '../number-format.js';
import { accuracyHeatmapSpec, capacitySpec, runLabel } from './chart-specs.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';
import { renderChartSvg } from './render-svg.js';

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function matrixTable(results: RunResults): string {
  const n = results.matrix.experiences;
  const cells = new Map(results.matrix.cells.map((cell) => [`${cell.trained},${cell.evaluated}`, cell.accuracy]));
  const rows = Array.from({ length: results.metrics.experiencesTrained }, (_, i) => [
    `after ${i}`,
    ...Array.from({ length: n }, (_, j) => formatPercent(cells.get(`${i},${j}`), 1)),
    formatPercent(results.metrics.accAfterEach[i], 1),
  ]);
  const head = ['R[i][j] (%)', ...Array.from({ length: n }, (_, j) => `exp ${j} (task ${results.experiences[j]?.taskId ?? MISSING})`), 'ACC'];
  return htmlTable(head, rows, { caption: 'Accuracy matrix' });
}

function metricsTable(results: RunResults): string {
  const { metrics, costs } = results;
  const rows: string[][] = [
    ['ACC', formatPercent(metrics.acc)],
    ['BWT', formatPercent(metrics.bwt)],
    ['FWT (random init)', formatPercent(metrics.fwt)],
    ['FWT (single task)', formatPercent(metrics.fwtSingleTask)],
    ['average forgetting', formatPercent(metrics.averageForgetting)],
    ['task-inference accuracy', formatPercent(metrics.taskInferenceAccuracy)],
    ['serialised size', formatBytes(costs.size?.totalBytes)],
    ['one dense float32 model', formatBytes(costs.size?.denseFloat32Bytes)],
  ];
  return htmlTable(['metric', 'value'], rows, { caption: `Metrics (accuracies in %) · ${results.run.scenarioKind} · backend ${results.run.backend}` });
}

function capacityTable(results: RunResults): string {
  const capacity = results.costs.capacity;
  if (capacity === null) return '';
  const rows = capacity.tasks.map((task) => [
    `${task.taskId}`,
    `${task.weights}`,
    `${task.bits}`,
    task.bitsPerWeight === null ? MISSING : task.bitsPerWeight.toFixed(2),
    formatPercent(task.capacityFraction),
  ]);
  rows.push(['free', MISSING, MISSING, MISSING, formatPercent(capacity.freeFraction)]);
  return htmlTable(['task', 'weights', 'bits', 'bits/weight', 'capacity (%)'], rows, { caption: 'Capacity and bits per task' });
}

function detailsTable(results: RunResults): string {
  if (results.details.length === 0) return '';
  const names = [...new Set(results.details.flatMap((detail) => Object.keys(detail.values)))].sort();
  const rows = results.details.map((detail) => [
    `${detail.experience}`,
    ...names.map((name) => {
      const value = detail.values[name];
      if (value === undefined || value === null) return MISSING;
      return Array.isArray(value) ? value.join(', ') : String(value);
    }),
  ]);
  return htmlTable(['experience', ...names], rows, { caption: 'Per-experience details' });
}

function timingTable(results: RunResults): string {
  const timing = results.timing;
  if (timing === null || timing.experiences.length === 0) return '';
  const rows = timing.experiences.map((entry) => [
    `${entry.experience}`,
    entry.trainSeconds.toFixed(2),
    entry.evalSeconds.toFixed(2),
    entry.samplesPerSecond === null ? MISSING : entry.samplesPerSecond.toFixed(0),
    formatBytes(entry.peakRssBytes),
    `${entry.tfNumTensors}`,
    formatBytes(entry.tfNumBytes),
  ]);
  return htmlTable(['experience', 'train (s)', 'eval (s)', 'samples/s', 'peak RSS', 'tf tensors', 'tf bytes'], rows, {
    caption: `Time and memory (total ${timing.totalSeconds.toFixed(1)} s, process peak RSS ${formatBytes(timing.processPeakRssBytes)})`,
  });
}

/** One run's section: metrics, heatmap, accuracy matrix, capacity chart and tables, details, timing. */
export async function runSectionHtml(results: RunResults, chartPrefix: string): Promise<string> {
  const parts = [`<section class="run">`, `<h3>${escapeHtml(runLabel(results))}</h3>`, '<div class="charts">'];
  parts.push(figure(await renderChartSvg(accuracyHeatmapSpec(results), `${chartPrefix}h`), 'Accuracy matrix R[i][j]'));
  if (results.costs.capacity !== null && results.costs.capacity.tasks.length > 0) {
    parts.push(figure(await renderChartSvg(capacitySpec(results.costs.capacity), `${chartPrefix}c`), 'Capacity and bits per task'));
  }
  parts.push('</div>', metricsTable(results), matrixTable(results), capacityTable(results), detailsTable(results), timingTable(results), '</section>');
  return parts.filter((part) => part !== '').join('\n');
}
