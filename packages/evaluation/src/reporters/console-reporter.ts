import Table from 'cli-table3';
import type { RunResults } from '../results/run-results.js';
import { formatBytes, formatPercent, formatRatio, MISSING } from './number-format.js';

/**
 * The accuracy matrix so far as a text table: one row per trained
 * experience, one column per evaluated experience (accuracy in %), and the
 * ACC after that row; then one line of summary metrics. No colours, so the
 * text is the same on every terminal.
 */
export function formatConsoleReport(results: RunResults): string {
  const n = results.matrix.experiences;
  const trained = results.metrics.experiencesTrained;
  const table = new Table({
    head: ['trained \\ eval', ...Array.from({ length: n }, (_, j) => `exp ${j}`), 'ACC'],
    style: { head: [], border: [], compact: true },
  });
  const cells = new Map(results.matrix.cells.map((cell) => [`${cell.trained},${cell.evaluated}`, cell.accuracy]));
  for (let i = 0; i < trained; i += 1) {
    const row = Array.from({ length: n }, (_, j) => formatPercent(cells.get(`${i},${j}`), 1));
    table.push([`exp ${i}`, ...row, formatPercent(results.metrics.accAfterEach[i], 1)]);
  }
  const { run, metrics, costs } = results;
  const summary = [
    `${run.strategy} on ${run.scenario} (seed ${run.seed}, ${run.backend}), after ${trained}/${n} experiences:`,
    `ACC ${formatPercent(metrics.acc)}`,
    `BWT ${formatPercent(metrics.bwt)}`,
    `forgetting ${formatPercent(metrics.averageForgetting)}`,
  ];
  if (metrics.fwt !== null) summary.push(`FWT ${formatPercent(metrics.fwt)}`);
  if (metrics.taskInferenceAccuracy !== null) summary.push(`task inference ${formatPercent(metrics.taskInferenceAccuracy)}`);
  if (costs.size !== null) summary.push(`size ${formatBytes(costs.size.totalBytes)} (${formatRatio(costs.size.compressionRatio)} vs dense)`);
  const last = results.timing?.experiences.at(-1);
  if (last !== undefined) {
    const rate = last.samplesPerSecond === null ? MISSING : last.samplesPerSecond.toFixed(0);
    summary.push(`train ${last.trainSeconds.toFixed(1)} s, ${rate} samples/s, peak RSS ${formatBytes(last.peakRssBytes)}`);
  }
  return `${table.toString()}\n${summary.join(' | ')}\n`;
}

/**
 * Live console reporter: call {@link ConsoleReporter.experienceEnded} with
 * the results so far after each experience and it writes the table.
 */
export class ConsoleReporter {
  readonly #write: (text: string) => void;

  /** `write` defaults to process.stdout. */
  constructor(write: (text: string) => void = (text) => void process.stdout.write(text)) {
    this.#write = write;
  }

  /** Writes {@link formatConsoleReport} of the results so far. */
  experienceEnded(results: RunResults): void {
    this.#write(formatConsoleReport(results));
  }
}
