import type { RunGroupSummary } from '../../comparison/summarise-runs.js';
import { formatPercentMeanStd, formatSizeSummary } from '../number-format.js';
import { htmlTable } from './html-table.js';

const columns = ['ACC', 'BWT', 'forgetting', 'size'] as const;

/** The strategies x benchmarks table (ACC, BWT, forgetting in % as mean ± std over seeds; size) as HTML. */
export function summaryTableHtml(groups: readonly RunGroupSummary[]): string {
  const strategies = [...new Set(groups.map((group) => group.strategy))];
  const scenarios = [...new Set(groups.map((group) => group.scenario))];
  const byKey = new Map(groups.map((group) => [JSON.stringify([group.strategy, group.scenario]), group]));
  const rows = strategies.map((strategy) => [
    strategy,
    ...scenarios.flatMap((scenario) => {
      const group = byKey.get(JSON.stringify([strategy, scenario]));
      return [
        formatPercentMeanStd(group?.acc),
        formatPercentMeanStd(group?.bwt),
        formatPercentMeanStd(group?.averageForgetting),
        formatSizeSummary(group?.totalBytes, group?.compressionRatio),
      ];
    }),
  ]);
  return htmlTable(['strategy', ...scenarios.flatMap(() => [...columns])], rows, {
    groupHead: [{ text: '', span: 1 }, ...scenarios.map((scenario) => ({ text: scenario, span: columns.length }))],
  });
}
