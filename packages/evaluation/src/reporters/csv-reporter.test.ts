import { describe, expect, it } from 'vitest';
import { sampleRun } from '../testing/sample-runs.js';
import { CSV_COLUMNS, runResultsToCsv } from './csv-reporter.js';

describe('CSV reporter', () => {
  it('writes a header and one row per recorded (trained, evaluated) pair', () => {
    const csv = runResultsToCsv([sampleRun({ seed: 1 }), sampleRun({ seed: 2 })]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 2 * 9);
    // Row-major: after training 2, evaluated on 0: 70/100, forgetting max(0.90, 0.95) - 0.70.
    const row = lines.find((line) => line.startsWith('packnet,split-fashion-mnist,task-incremental,1,wasm,2,0,'));
    expect(row).toBe('packnet,split-fashion-mnist,task-incremental,1,wasm,2,0,0,70,100,0.7,0.25,');
  });

  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    const csv = runResultsToCsv([sampleRun({ strategy: 'ewc, "online"', scenario: 'a\nb', correct: [[1]] })]);
    expect(csv.split('\n').slice(1).join('\n')).toBe('"ewc, ""online""","a\nb",task-incremental,1,wasm,0,0,0,1,100,0.01,,\n');
  });

  it('fills task-inference accuracy in class-incremental runs', () => {
    const csv = runResultsToCsv([sampleRun({ scenarioKind: 'class-incremental', correct: [[50]], taskInference: [[75]] })]);
    expect(csv.trimEnd().split('\n')[1]).toMatch(/,0\.5,,0\.75$/);
  });
});
