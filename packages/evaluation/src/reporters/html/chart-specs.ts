import type { TopLevelSpec } from 'vega-lite';
import type { RunGroupSummary } from '../../comparison/summarise-runs.js';
import type { CapacityReport } from '../../costs/capacity-report.js';
import type { RunResults } from '../../results/run-results.js';

// Vega-Lite specifications of the report's charts. User strings (strategy,
// scenario, component names) only ever appear as data values, never as field
// names or expressions, and all data is inline: nothing is loaded.

const font = 'system-ui, sans-serif';
const config = { font, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } } as const;

/** The label of a run in charts and headings: `strategy · scenario · seed N`. */
export function runLabel(results: RunResults): string {
  return `${results.run.strategy} · ${results.run.scenario} · seed ${results.run.seed}`;
}

/** Heatmap of the accuracy matrix R[i][j] with the value (in %) in each cell. */
export function accuracyHeatmapSpec(results: RunResults): TopLevelSpec {
  const values = results.matrix.cells.map((cell) => ({
    trained: cell.trained,
    evaluated: cell.evaluated,
    accuracy: cell.accuracy,
    label: (cell.accuracy * 100).toFixed(1),
  }));
  const n = results.matrix.experiences;
  const domain = Array.from({ length: n }, (_, i) => i);
  return {
    config,
    data: { values },
    // At least wide and tall enough for the axis titles, which would otherwise overlap for 1-3 experiences.
    width: Math.max(160, 44 * n),
    height: Math.max(120, 30 * n),
    encoding: {
      x: { field: 'evaluated', type: 'ordinal', scale: { domain }, title: 'evaluated experience j', axis: { orient: 'top', labelAngle: 0 } },
      y: { field: 'trained', type: 'ordinal', scale: { domain }, title: 'trained experience i' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1], scheme: 'viridis' }, title: 'accuracy', legend: { format: '.0%' } },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: 'datum.accuracy < 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** ACC after each experience, one line per strategy (mean over seeds, with a ± std band where defined). */
export function accuracyCurveSpec(groups: readonly RunGroupSummary[]): TopLevelSpec {
  const values = groups.flatMap((group) =>
    group.accAfterEach.flatMap((summary, experience) =>
      summary === undefined
        ? []
        : [
            {
              strategy: group.strategy,
              experience,
              acc: summary.mean,
              low: summary.mean - (summary.std ?? 0),
              high: summary.mean + (summary.std ?? 0),
            },
          ],
    ),
  );
  const color = { field: 'strategy', type: 'nominal', title: 'strategy', legend: { labelLimit: 300 } } as const;
  return {
    config,
    data: { values },
    width: 420,
    height: 240,
    encoding: { x: { field: 'experience', type: 'ordinal', title: 'after training experience', axis: { labelAngle: 0 } } },
    layer: [
      {
        mark: { type: 'errorband', opacity: 0.2 },
        encoding: {
          y: { field: 'low', type: 'quantitative', scale: { domain: [0, 1] }, title: 'ACC', axis: { format: '.0%' } },
          y2: { field: 'high' },
          color,
        },
      },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'acc', type: 'quantitative' }, color } },
    ],
  };
}

/** Two bars per task: its share of the network's bit capacity, and its mean bits per weight. */
export function capacitySpec(capacity: CapacityReport): TopLevelSpec {
  const values = capacity.tasks.map((task) => ({
    task: task.taskId,
    capacityFraction: task.capacityFraction,
    bitsPerWeight: task.bitsPerWeight ?? 0,
  }));
  const x = { field: 'task', type: 'ordinal', title: 'task', axis: { labelAngle: 0 } } as const;
  return {
    config,
    data: { values },
    hconcat: [
      {
        width: { step: 32 },
        height: 180,
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: { x, y: { field: 'capacityFraction', type: 'quantitative', title: 'share of bit capacity', axis: { format: '.0%' } } },
      },
      {
        width: { step: 32 },
        height: 180,
        mark: { type: 'bar', color: '#f58518' },
        encoding: { x, y: { field: 'bitsPerWeight', type: 'quantitative', title: 'mean bits per weight' } },
      },
    ],
  };
}

/** Stacked bars of each run's serialised size by component, with a tick at one dense float32 model. */
export function sizeBreakdownSpec(runs: readonly RunResults[]): TopLevelSpec {
  const parts: Array<{ run: string; component: string; kib: number }> = [];
  const dense: Array<{ run: string; kib: number }> = [];
  for (const results of runs) {
    const size = results.costs.size;
    if (size === null) continue;
    const run = runLabel(results);
    for (const [component, bytes] of Object.entries(size.components)) parts.push({ run, component, kib: bytes / 1024 });
    dense.push({ run, kib: size.denseFloat32Bytes / 1024 });
  }
  const y = { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 400 } } as const;
  return {
    config,
    width: 480,
    height: { step: 24 },
    layer: [
      {
        data: { values: parts },
        mark: 'bar',
        encoding: {
          y,
          x: { field: 'kib', type: 'quantitative', stack: 'zero', title: 'KiB' },
          color: { field: 'component', type: 'nominal', title: 'component', legend: { labelLimit: 300 } },
        },
      },
      {
        data: { values: dense },
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x: { field: 'kib', type: 'quantitative' } },
      },
    ],
  };
}
