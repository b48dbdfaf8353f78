import { readFile } from 'node:fs/promises';
import { capacityReport } from '../costs/capacity-report.js';
import { sizeReport } from '../costs/size-report.js';
import { ResultsFormatError } from '../errors/evaluation-errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { AccuracyMatrix } from '../matrix/accuracy-matrix.js';
import { deriveMetrics } from '../metrics/derived-metrics.js';
import { RUN_RESULTS_SCHEMA_VERSION, type RunResults } from './run-results.js';
import { runResultsSchema } from './run-results-schema.js';
import { parseWithSchema } from './schema-validation.js';
import { stableStringify } from './stable-json.js';

/** The document without its machine measurements, for determinism comparisons. */
export function withoutTiming(results: RunResults): RunResults {
  return { ...results, timing: null };
}

/** Stable JSON text of a results document (sorted keys, 2-space indent, final newline). */
export function serializeRunResults(results: RunResults): string {
  return stableStringify(results);
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function checkSchemaVersion(value: unknown, source: string | undefined): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResultsFormatError('(root)', 'expected a JSON object', source);
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== RUN_RESULTS_SCHEMA_VERSION) {
    throw new ResultsFormatError(
      'schemaVersion',
      `unsupported version ${JSON.stringify(version) ?? 'undefined'}; this reader understands ${RUN_RESULTS_SCHEMA_VERSION}`,
      source,
    );
  }
}

function checkCrossFields(results: RunResults, matrix: AccuracyMatrix, source: string | undefined): void {
  const n = matrix.experiences;
  if (results.experiences.length !== n) {
    throw new ResultsFormatError('experiences', `has ${results.experiences.length} entries, matrix has ${n} experiences`, source);
  }
  results.experiences.forEach((experience, i) => {
    if (experience.index !== i) throw new ResultsFormatError(`experiences[${i}].index`, `expected ${i}, got ${experience.index}`, source);
  });
  for (const key of ['randomInit', 'singleTask'] as const) {
    const reference = results.references[key];
    if (reference !== null && reference.length !== n) {
      throw new ResultsFormatError(`references.${key}`, `has ${reference.length} entries, expected ${n}`, source);
    }
  }
  results.details.forEach((detail, i) => {
    if (detail.experience >= n) throw new ResultsFormatError(`details[${i}].experience`, `${detail.experience} is out of range`, source);
  });
  results.timing?.experiences.forEach((timing, i) => {
    if (timing.experience >= n) throw new ResultsFormatError(`timing.experiences[${i}].experience`, `${timing.experience} is out of range`, source);
  });
  const metrics = deriveMetrics(matrix.accuracyTable(), {
    taskInference: matrix.taskInferenceTable(),
    randomInitAccuracy: results.references.randomInit ?? undefined,
    singleTaskAccuracy: results.references.singleTask ?? undefined,
  });
  for (const key of Object.keys(metrics) as Array<keyof typeof metrics>) {
    if (!sameJson(metrics[key], results.metrics[key])) {
      throw new ResultsFormatError(`metrics.${key}`, `stored ${JSON.stringify(results.metrics[key])} differs from the matrix's ${JSON.stringify(metrics[key])}`, source);
    }
  }
  const size = results.costs.size;
  if (size !== null && !sameJson(size, sizeReport(size.components, size.denseParameterCount))) {
    throw new ResultsFormatError('costs.size', 'totals or ratio do not match its components and denseParameterCount', source);
  }
  const capacity = results.costs.capacity;
  if (capacity !== null) {
    let recomputed: unknown;
    try {
      recomputed = capacityReport(capacity.tasks, capacity.totalWeights, capacity.slotBits);
    } catch (error) {
      throw new ResultsFormatError('costs.capacity', error instanceof Error ? error.message : String(error), source, { cause: error });
    }
    if (!sameJson(capacity, recomputed)) {
      throw new ResultsFormatError('costs.capacity', 'derived fields do not match its tasks, totalWeights and slotBits', source);
    }
  }
}

/**
 * Parses and validates a results document, given as JSON text or an
 * already-parsed value. Checks the schema version, the structure (zod), and
 * the cross-field rules: experiences and references match the matrix size,
 * indices are in range, and the stored metrics, size and capacity equal what
 * the matrix and counts give. Throws {@link ResultsFormatError} naming the
 * first offending field (and `source`, e.g. the file path, when given).
 */
export function parseRunResults(input: unknown, source?: string): RunResults {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      throw new ResultsFormatError('(root)', `invalid JSON: ${error instanceof Error ? error.message : String(error)}`, source, { cause: error });
    }
  }
  checkSchemaVersion(value, source);
  const results: RunResults = parseWithSchema(runResultsSchema, value, '', source);
  const matrix = AccuracyMatrix.fromJSON(results.matrix, 'matrix', source);
  checkCrossFields(results, matrix, source);
  return results;
}

/** Writes a results document as stable JSON, atomically (temp file + rename). */
export async function writeRunResults(path: string, results: RunResults): Promise<void> {
  await writeFileAtomic(path, serializeRunResults(results));
}

/** Reads and validates a results document; errors name the file. */
export async function readRunResults(path: string): Promise<RunResults> {
  return parseRunResults(await readFile(path, 'utf8'), path);
}
