import {
  escapeMarkdownCell,
  markdownComparisonTable,
  renderHtmlReport,
  stableStringify,
  writeFileAtomic,
  type RunResults,
} from '@retain/evaluation';
import { join } from 'node:path';
import { SWEEP_FILES } from './sweep-files.js';
import type { AggregatedSweep, SweepGroupSummary } from './sweep-aggregate.js';
import { formatDuration, formatNumberStat, formatPercentStat, formatSizeStat } from './sweep-format.js';

/** Options of the sweep reporters. */
export interface SweepReportOptions {
  /** Heading / page title (default `retain compare` or `retain sweep`). */
  readonly title?: string;
  /** A line under the title (e.g. wall time and machine); default none. */
  readonly subtitle?: string;
}

/** Paths written by {@link writeSweepReports}. */
export interface SweepReportPaths {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

const DETAIL_HEAD = ['Group', 'Benchmark', 'Seeds', 'ACC %', 'BWT %', 'Forgetting %', 'Task inference %', 'Stored size', 'Train time (s)'];

function detailRow(group: SweepGroupSummary): string[] {
  const metrics = group.metrics;
  return [
    group.row,
    group.column,
    `${group.completeSeeds.length}/${group.seeds.length}`,
    formatPercentStat(metrics.acc),
    formatPercentStat(metrics.bwt),
    formatPercentStat(metrics.averageForgetting),
    formatPercentStat(metrics.taskInferenceAccuracy),
    formatSizeStat(metrics.totalBytes, metrics.compressionRatio),
    formatNumberStat(metrics.trainSeconds),
  ];
}

/**
 * The complete runs relabelled for evaluation's reporters: strategy = the
 * group's row label, scenario = its column label, so that groups of a sweep
 * (same strategy and scenario, different grid values) stay apart, and seed =
 * the cell's planned seed (unique per group by construction). Row labels
 * that collide across groups get ` #2`, ` #3`, ...
 */
export function relabelledRuns(aggregated: AggregatedSweep): RunResults[] {
  const labels = new Map<string, string>();
  const used = new Set<string>();
  for (const group of aggregated.summary.groups) {
    let label = group.row;
    for (let n = 2; used.has(JSON.stringify([label, group.column])); n += 1) label = `${group.row} #${n}`;
    used.add(JSON.stringify([label, group.column]));
    labels.set(group.key, label);
  }
  return aggregated.runs.map(({ group, seed, results }) => ({
    ...results,
    run: { ...results.run, strategy: labels.get(group.key) ?? group.row, scenario: group.column, seed },
  }));
}

function failedCells(aggregated: AggregatedSweep): string[] {
  return aggregated.summary.cells
    .filter((cell) => cell.state !== 'complete')
    .map((cell) => {
      const attempt = cell.attempt === null ? '' : `, last attempt ${cell.attempt.status}${cell.attempt.exitCode === null ? '' : ` (exit ${cell.attempt.exitCode})`}`;
      return `${cell.id}: ${cell.state}${attempt}; log ${join(cell.runDir, 'run.log')}`;
    });
}

/**
 * The sweep as Markdown: a paper-style table (evaluation's
 * markdownComparisonTable: rows = strategies or grid points, per benchmark
 * ACC, BWT and size), then one row per group with every summarised metric,
 * then the cells that are not complete.
 */
export function sweepMarkdown(aggregated: AggregatedSweep, options: SweepReportOptions = {}): string {
  const summary = aggregated.summary;
  const lines = [`# ${options.title ?? `retain ${summary.kind}`}`, ''];
  if (options.subtitle !== undefined) lines.push(options.subtitle, '');
  const runs = relabelledRuns(aggregated);
  if (runs.length > 0) lines.push(markdownComparisonTable(runs).trimEnd(), '');
  else lines.push('No cell has complete results yet.', '');
  lines.push('## All metrics', '');
  lines.push(`| ${DETAIL_HEAD.join(' | ')} |`, `|${DETAIL_HEAD.map((_, index) => (index < 2 ? ' :--- ' : ' ---: ')).join('|')}|`);
  for (const group of summary.groups) lines.push(`| ${detailRow(group).map(escapeMarkdownCell).join(' | ')} |`);
  lines.push(
    '',
    'Percentages are mean ± sample std (n − 1) over the complete seeds; stored size = serialised model (mean) and its compression ratio vs one dense float32 model; train time = seconds of training summed over experiences.',
  );
  const failed = failedCells(aggregated);
  if (failed.length > 0) lines.push('', '## Cells without complete results', '', ...failed.map((line) => `- ${escapeMarkdownCell(line)}`));
  return `${lines.join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The detail section of the HTML report: every metric per group, and the cells without complete results. */
export function sweepDetailHtml(aggregated: AggregatedSweep): string {
  const head = DETAIL_HEAD.map((text) => `<th scope="col">${escapeHtml(text)}</th>`).join('');
  const rows = aggregated.summary.groups.map((group) => {
    const [first = '', ...rest] = detailRow(group);
    return `<tr><th scope="row">${escapeHtml(first)}</th>${rest.map((text) => `<td>${escapeHtml(text)}</td>`).join('')}</tr>`;
  });
  const parts = [
    '<h2>All metrics per group</h2>',
    `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    '<p class="note">Percentages are mean ± sample std (n − 1) over the complete seeds; train time = seconds of training summed over experiences.</p>',
  ];
  const failed = failedCells(aggregated);
  if (failed.length > 0) parts.push('<h2>Cells without complete results</h2>', `<ul>${failed.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

/**
 * The sweep as one self-contained HTML page: evaluation's report
 * (renderHtmlReport: summary table, ACC curves, size chart and per-run
 * sections, charts as inline SVG, no scripts) over the relabelled runs,
 * with the sweep's detail section inserted before its first section.
 */
export async function sweepHtml(aggregated: AggregatedSweep, options: SweepReportOptions = {}): Promise<string> {
  const title = options.title ?? `retain ${aggregated.summary.kind}`;
  const page = await renderHtmlReport(relabelledRuns(aggregated), { title, ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }) });
  const detail = sweepDetailHtml(aggregated);
  // Before the report's first section (after its title and meta lines).
  const anchor = page.indexOf('<h2>');
  const at = anchor < 0 ? page.lastIndexOf('</body>') : anchor;
  return `${page.slice(0, at)}${detail}\n${page.slice(at)}`;
}

/** Writes `sweep.json`, `summary.md` and `summary.html` into the sweep directory (each atomically). */
export async function writeSweepReports(sweepDir: string, aggregated: AggregatedSweep, options: SweepReportOptions = {}): Promise<SweepReportPaths> {
  const paths = { json: join(sweepDir, SWEEP_FILES.summary), markdown: join(sweepDir, SWEEP_FILES.markdown), html: join(sweepDir, SWEEP_FILES.html) };
  await writeFileAtomic(paths.json, `${stableStringify(aggregated.summary)}\n`);
  await writeFileAtomic(paths.markdown, sweepMarkdown(aggregated, options));
  await writeFileAtomic(paths.html, await sweepHtml(aggregated, options));
  return paths;
}

/** One line for the end of a command: how many cells, how long. */
export function sweepStatusLine(aggregated: AggregatedSweep, wallSeconds: number): string {
  const complete = aggregated.summary.cells.filter((cell) => cell.state === 'complete').length;
  return `${complete}/${aggregated.summary.cells.length} cell(s) complete in ${formatDuration(wallSeconds)}`;
}
