import { summariseRuns, type RunGroupSummary } from '../comparison/summarise-runs.js';
import type { RunResults } from '../results/run-results.js';
import { formatPercentMeanStd, formatSizeSummary } from './number-format.js';

/** Options of {@link markdownComparisonTable}. */
export interface MarkdownTableOptions {
  /** Decimals of percentages (default 2). */
  readonly digits?: number;
}

/** Escapes text for a Markdown table cell: pipes, backslashes, HTML-significant characters and line breaks. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n|\r/g, ' ');
}

function seedNote(groups: readonly RunGroupSummary[]): string {
  const counts = [...new Set(groups.map((group) => group.seeds.length))].sort((a, b) => a - b);
  const n = counts.length === 1 ? `${counts[0]}` : `${counts[0]}–${counts[counts.length - 1]}`;
  return (
    `ACC and BWT in %, mean ± sample std (n − 1) over ${n} seed(s); size = serialised model ` +
    '(mean over seeds) and its compression ratio vs one dense float32 model.'
  );
}

/**
 * A paper-style comparison table in Markdown: one row per strategy, and per
 * benchmark (scenario) three columns ACC, BWT and size, from several runs
 * grouped by seed (see summariseRuns). Strategies and scenarios appear in the
 * order they first occur in `results`; a missing combination shows `—`.
 * Ends with a note on units and seeds.
 */
export function markdownComparisonTable(results: readonly RunResults[], options: MarkdownTableOptions = {}): string {
  const digits = options.digits ?? 2;
  const groups = summariseRuns(results);
  const strategies = [...new Set(groups.map((group) => group.strategy))];
  const scenarios = [...new Set(groups.map((group) => group.scenario))];
  const byKey = new Map(groups.map((group) => [JSON.stringify([group.strategy, group.scenario]), group]));
  const header = ['Strategy', ...scenarios.flatMap((scenario) => ['ACC', 'BWT', 'size'].map((column) => `${scenario} ${column}`))];
  const lines = [
    `| ${header.map(escapeMarkdownCell).join(' | ')} |`,
    `|${header.map((_, index) => (index === 0 ? ' :--- ' : ' ---: ')).join('|')}|`,
  ];
  for (const strategy of strategies) {
    const cells = [escapeMarkdownCell(strategy)];
    for (const scenario of scenarios) {
      const group = byKey.get(JSON.stringify([strategy, scenario]));
      cells.push(formatPercentMeanStd(group?.acc, digits), formatPercentMeanStd(group?.bwt, digits), formatSizeSummary(group?.totalBytes, group?.compressionRatio));
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (groups.length > 0) lines.push('', seedNote(groups));
  return `${lines.join('\n')}\n`;
}
