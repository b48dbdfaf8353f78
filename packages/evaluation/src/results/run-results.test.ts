import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsFormatError } from '../errors/evaluation-errors.js';
import { AccuracyMatrix } from '../matrix/accuracy-matrix.js';
import { sampleRun } from '../testing/sample-runs.js';
import { buildRunResults } from './build-run-results.js';
import { RUN_RESULTS_SCHEMA_VERSION, type RunResults } from './run-results.js';
import { parseRunResults, readRunResults, serializeRunResults, withoutTiming, writeRunResults } from './run-results-json.js';
import { runResultsJsonSchema } from './run-results-schema.js';

const timing = {
  experiences: [
    {
      experience: 0,
      trainSeconds: 1.5,
      evalSeconds: 0.25,
      samples: 600,
      samplesPerSecond: 400,
      peakRssBytes: 123456789,
      tfNumTensors: 12,
      tfNumBytes: 4096,
      tfPeakNumBytes: 8192,
    },
  ],
  totalSeconds: 2,
  processPeakRssBytes: 200000000,
};

const REMOVE = Symbol('remove');

/**
 * The document as plain JSON with the value at `path` replaced by
 * `edit(old)` (or removed when it returns REMOVE).
 */
function tampered(results: RunResults, path: ReadonlyArray<string | number>, edit: (old: unknown) => unknown): unknown {
  const json = JSON.parse(serializeRunResults(results)) as unknown;
  let parent = json as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = edit(parent[last]);
  if (next === REMOVE) Reflect.deleteProperty(parent, last);
  else parent[last] = next;
  return json;
}

const to = (value: unknown) => () => value;

describe('buildRunResults', () => {
  it('derives the metrics of the worked example and keeps the inputs', () => {
    const results = sampleRun();
    expect(results.schemaVersion).toBe(RUN_RESULTS_SCHEMA_VERSION);
    expect(results.metrics.experiencesTrained).toBe(3);
    expect(results.metrics.acc).toBeCloseTo(0.8, 12);
    expect(results.metrics.bwt).toBeCloseTo(-0.15, 12);
    expect(results.metrics.averageForgetting).toBeCloseTo(0.175, 12);
    expect(results.metrics.fwt).toBeCloseTo(0.1, 12);
    expect(results.metrics.fwtSingleTask).toBeNull();
    expect(results.metrics.taskInferenceAccuracy).toBeNull();
    expect(results.metrics.taskInferenceAfterEach).toBeNull();
    expect(results.costs.size?.compressionRatio).toBe(10);
    expect(results.timing).toBeNull();
  });

  it('computes task-inference accuracy in class-incremental runs like ACC (mean over seen experiences)', () => {
    const results = sampleRun({
      scenarioKind: 'class-incremental',
      correct: [
        [50, null],
        [40, 45],
      ],
      taskInference: [
        [100, null],
        [80, 60],
      ],
    });
    expect(results.metrics.taskInferenceAfterEach).toEqual([1, 0.7]);
    expect(results.metrics.taskInferenceAccuracy).toBe(0.7);
  });

  it('works on a partially filled matrix during a run', () => {
    const results = sampleRun({ correct: [[90, 10, 20], [95, 85, 30], [null, null, null]] });
    expect(results.metrics.experiencesTrained).toBe(2);
    expect(results.metrics.acc).toBeCloseTo(0.9, 12);
    expect(parseRunResults(serializeRunResults(results))).toEqual(results);
  });

  it('refuses experiences that do not match the matrix, bad references and details', () => {
    const matrix = new AccuracyMatrix(2);
    const run = { strategy: 's', scenario: 'c', scenarioKind: 'task-incremental' as const, seed: 1, backend: 'wasm' };
    const experiences = [
      { index: 0, taskId: 0, classes: [0] },
      { index: 1, taskId: 1, classes: [1] },
    ];
    expect(() => buildRunResults({ run, experiences: experiences.slice(1), matrix })).toThrow(/experiences: expected 2 entries/);
    expect(() => buildRunResults({ run, experiences: [experiences[1]!, experiences[0]!], matrix })).toThrow(/experiences\[0\]\.index/);
    expect(() => buildRunResults({ run, experiences, matrix, references: { randomInit: [0.1] } })).toThrow(/references\.randomInit/);
    expect(() => buildRunResults({ run, experiences, matrix, references: { singleTask: [0.1, 2] } })).toThrow(/references\.singleTask\[1\]/);
    expect(() => buildRunResults({ run, experiences, matrix, details: [{ experience: 2, values: {} }] })).toThrow(/details\[0\]\.experience/);
  });
});

describe('results JSON', () => {
  it('round-trips through stable JSON with sorted keys and a final newline', () => {
    const results = sampleRun({ timing });
    const text = serializeRunResults(results);
    expect(text.endsWith('}\n')).toBe(true);
    const topKeys = Object.keys(JSON.parse(text) as object);
    expect(topKeys).toEqual([...topKeys].sort());
    expect(topKeys.at(-1)).toBe('timing');
    expect(parseRunResults(text)).toEqual(results);
    expect(serializeRunResults(parseRunResults(text))).toBe(text);
  });

  it('is byte-identical for the same inputs whatever the key insertion order', () => {
    const a = sampleRun();
    const b = { ...a, run: { backend: a.run.backend, seed: a.run.seed, options: { lr: 0.001, epochs: 2 }, scenarioKind: a.run.scenarioKind, scenario: a.run.scenario, strategy: a.run.strategy } };
    expect(serializeRunResults(b)).toBe(serializeRunResults(a));
  });

  it('differs only under timing between two runs with different machine measurements', () => {
    const first = sampleRun({ timing });
    const second = sampleRun({ timing: { ...timing, totalSeconds: 99 } });
    expect(serializeRunResults(first)).not.toBe(serializeRunResults(second));
    expect(serializeRunResults(withoutTiming(first))).toBe(serializeRunResults(withoutTiming(second)));
  });

  it('names the offending field in validation errors', () => {
    const results = sampleRun({ timing });
    const cases: Array<[unknown, RegExp]> = [
      ['{"schemaVersion":', /\(root\): invalid JSON/],
      [[], /\(root\): expected a JSON object/],
      [tampered(results, ['schemaVersion'], to(2)), /schemaVersion: unsupported version 2/],
      [tampered(results, ['run', 'seed'], to(REMOVE)), /run\.seed/],
      [tampered(results, ['run', 'scenarioKind'], to('online')), /run\.scenarioKind/],
      [tampered(results, ['metrics', 'acc'], to(0.99)), /metrics\.acc: stored 0\.99 differs from the matrix's 0\.(8|79999)/],
      [tampered(results, ['matrix', 'cells', 4, 'correct'], to(101)), /matrix\.cells\[4\]\.correct: 101 exceeds total 100/],
      [tampered(results, ['experiences', 2, 'index'], to(5)), /experiences\[2\]\.index: expected 2, got 5/],
      [tampered(results, ['experiences'], (old) => (old as unknown[]).slice(0, -1)), /experiences: has 2 entries, matrix has 3 experiences/],
      [tampered(results, ['costs', 'size', 'totalBytes'], to(1)), /costs\.size: totals or ratio do not match/],
      [tampered(results, ['costs', 'capacity', 'usedBits'], to(1)), /costs\.capacity: derived fields do not match/],
      [tampered(results, ['timing', 'experiences', 0, 'experience'], to(3)), /timing\.experiences\[0\]\.experience/],
      [tampered(results, ['timing', 'experiences', 0, 'trainSeconds'], to(-1)), /timing\.experiences\[0\]\.trainSeconds/],
      [tampered(results, ['surprise'], to(true)), /\(root\)/],
    ];
    for (const [input, pattern] of cases) {
      let error: unknown;
      try {
        parseRunResults(input, 'runs/a.json');
      } catch (caught) {
        error = caught;
      }
      expect(error, String(pattern)).toBeInstanceOf(ResultsFormatError);
      expect((error as Error).message).toMatch(/^runs\/a\.json: /);
      expect((error as Error).message).toMatch(pattern);
    }
  });

  it('exposes a JSON Schema naming every top-level field', () => {
    const schema = runResultsJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['costs', 'details', 'experiences', 'matrix', 'metrics', 'references', 'run', 'schemaVersion', 'timing'].sort(),
    );
    expect(schema.required).toContain('timing');
  });
});

describe('results files', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'retain-evaluation-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes atomically (no temporary file left) and reads back', async () => {
    const path = join(directory, 'nested', 'run.json');
    const results = sampleRun({ timing });
    await writeRunResults(path, results);
    await writeRunResults(path, results);
    expect(await readdir(join(directory, 'nested'))).toEqual(['run.json']);
    expect(await readFile(path, 'utf8')).toBe(serializeRunResults(results));
    expect(await readRunResults(path)).toEqual(results);
  });

  it('names the file in read errors', async () => {
    const path = join(directory, 'broken.json');
    await writeFile(path, '{"schemaVersion": 1}');
    await expect(readRunResults(path)).rejects.toThrow(`${path}: run`);
  });
});
