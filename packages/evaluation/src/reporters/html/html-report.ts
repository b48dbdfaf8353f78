import { summariseRuns } from '../../comparison/summarise-runs.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { RunResults } from '../../results/run-results.js';
import { accuracyCurveSpec, runLabel, sizeBreakdownSpec } from './chart-specs.js';
import { formatBytes, formatRatio } from '../number-format.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';
import { renderChartSvg } from './render-svg.js';
import { REPORT_CSS } from './report-styles.js';
import { runSectionHtml } from './run-section.js';
import { summaryTableHtml } from './summary-section.js';

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /** Page title (default `retain results`). */
  readonly title?: string;
  /** A free line under the title, e.g. when and where the runs were made (default none, so the page is deterministic). */
  readonly subtitle?: string;
  /** Per-run sections for every seed (`all`) or only the first seed of each strategy x scenario (`first-seed`, default). */
  readonly runSections?: 'all' | 'first-seed';
}

// Scripts cannot run even if something slipped through escaping; only inline styles and data: images are allowed.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function sizeTable(runs: readonly RunResults[]): string {
  const withSize = runs.filter((run) => run.costs.size !== null);
  const components = [...new Set(withSize.flatMap((run) => Object.keys(run.costs.size?.components ?? {})))].sort();
  const rows = withSize.map((run) => {
    const size = run.costs.size;
    return [
      runLabel(run),
      ...components.map((name) => formatBytes(size?.components[name])),
      formatBytes(size?.totalBytes),
      formatBytes(size?.denseFloat32Bytes),
      formatRatio(size?.compressionRatio),
    ];
  });
  return htmlTable(['run', ...components, 'total', 'dense float32', 'ratio'], rows, { caption: 'Serialised size by component' });
}

/**
 * A self-contained HTML report of one or more runs: the strategies x
 * benchmarks summary, ACC after each experience per benchmark, the size
 * breakdown, and a section per run (accuracy heatmap, matrix, capacity/bits
 * per task, details, timing). Charts are Vega-Lite rendered to inline SVG at
 * report time; the page has inline CSS only, no scripts and no external
 * resources, so it reads offline. All user strings are escaped. Resolves to
 * the HTML text; the same input gives the same text.
 */
export async function renderHtmlReport(results: readonly RunResults[], options: HtmlReportOptions = {}): Promise<string> {
  const title = options.title ?? 'retain results';
  const groups = summariseRuns(results);
  const scenarios = [...new Set(groups.map((group) => group.scenario))];
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`];
  if (options.subtitle !== undefined) body.push(`<p class="meta">${escapeHtml(options.subtitle)}</p>`);
  body.push(
    `<p class="meta">${results.length} run(s), ${new Set(groups.map((group) => group.strategy)).size} strategy(ies), ${scenarios.length} benchmark(s).</p>`,
    '<h2>Summary</h2>',
    summaryTableHtml(groups),
    '<p class="note">ACC, BWT and forgetting in %, mean ± sample std (n − 1) over seeds; size = serialised model and its compression ratio vs one dense float32 model.</p>',
    '<h2>ACC after each experience</h2>',
    '<div class="charts">',
  );
  for (const [index, scenario] of scenarios.entries()) {
    const svg = await renderChartSvg(accuracyCurveSpec(groups.filter((group) => group.scenario === scenario)), `acc${index}`);
    body.push(`<figure>${svg}<figcaption>${escapeHtml(scenario)}</figcaption></figure>`);
  }
  body.push('</div>');
  const sectionRuns = options.runSections === 'all' ? [...results] : groups.flatMap((group) => group.runs.slice(0, 1));
  if (sectionRuns.some((run) => run.costs.size !== null)) {
    const svg = await renderChartSvg(sizeBreakdownSpec(sectionRuns), 'size');
    body.push('<h2>Model size</h2>', `<figure>${svg}<figcaption>Serialised size by component; black tick: one dense float32 model.</figcaption></figure>`, sizeTable(sectionRuns));
  }
  body.push('<h2>Runs</h2>');
  for (const [index, run] of sectionRuns.entries()) body.push(await runSectionHtml(run, `run${index}`));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes {@link renderHtmlReport} atomically. */
export async function writeHtmlReport(path: string, results: readonly RunResults[], options: HtmlReportOptions = {}): Promise<void> {
  await writeFileAtomic(path, await renderHtmlReport(results, options));
}
