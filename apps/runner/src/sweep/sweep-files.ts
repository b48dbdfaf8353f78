/** File names of a sweep directory. */
export const SWEEP_FILES = {
  /** The plan, written before the first cell starts (read by `--resume`). */
  plan: 'plan.json',
  /** The aggregated results (`SweepSummary`). */
  summary: 'sweep.json',
  /** Markdown tables. */
  markdown: 'summary.md',
  /** Self-contained HTML report. */
  html: 'summary.html',
  /** One run directory per cell. */
  runs: 'runs',
} as const;
