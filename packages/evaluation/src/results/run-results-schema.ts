import { z } from 'zod';
import { accuracyMatrixSchema } from '../matrix/accuracy-matrix-schema.js';
import { RUN_RESULTS_SCHEMA_VERSION, type RunResults } from './run-results.js';

const count = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const metric = z.number().nullable();

const runMetadataSchema = z.strictObject({
  strategy: z.string().min(1),
  scenario: z.string().min(1),
  scenarioKind: z.enum(['task-incremental', 'class-incremental', 'domain-incremental']),
  seed: z.number().int(),
  backend: z.string().min(1),
  options: z.record(z.string(), scalar),
});

const experienceSchema = z.strictObject({
  index: count,
  taskId: count,
  classes: z.array(z.number().int()),
});

const referencesSchema = z.strictObject({
  randomInit: z.array(fraction.nullable()).nullable(),
  singleTask: z.array(fraction.nullable()).nullable(),
});

const metricsSchema = z.strictObject({
  experiencesTrained: count,
  acc: metric,
  accAfterEach: z.array(metric),
  bwt: metric,
  fwt: metric,
  fwtSingleTask: metric,
  forgetting: z.array(metric),
  averageForgetting: metric,
  taskInferenceAccuracy: metric,
  taskInferenceAfterEach: z.array(metric).nullable(),
});

const detailsSchema = z.strictObject({
  experience: count,
  values: z.record(z.string(), z.union([scalar, z.array(z.number())])),
});

const sizeSchema = z.strictObject({
  components: z.record(z.string(), count),
  totalBytes: count,
  denseParameterCount: count,
  denseFloat32Bytes: count,
  compressionRatio: z.number().positive().nullable(),
});

const capacitySchema = z.strictObject({
  totalWeights: count,
  slotBits: z.number().int().positive(),
  tasks: z.array(
    z.strictObject({
      taskId: count,
      weights: count,
      bits: count,
      bitsPerWeight: z.number().nonnegative().nullable(),
      weightFraction: fraction,
      capacityFraction: fraction,
    }),
  ),
  usedBits: count,
  usedFraction: fraction,
  freeFraction: fraction,
});

const seconds = z.number().nonnegative();

const timingSchema = z.strictObject({
  experiences: z.array(
    z.strictObject({
      experience: count,
      trainSeconds: seconds,
      evalSeconds: seconds,
      samples: count,
      samplesPerSecond: z.number().nonnegative().nullable(),
      peakRssBytes: count,
      tfNumTensors: count,
      tfNumBytes: count,
      tfPeakNumBytes: count,
    }),
  ),
  totalSeconds: seconds,
  processPeakRssBytes: count,
});

/** Zod schema of a {@link RunResults} document (structure only; parseRunResults adds the cross-field checks). */
export const runResultsSchema = z.strictObject({
  schemaVersion: z.literal(RUN_RESULTS_SCHEMA_VERSION),
  run: runMetadataSchema,
  experiences: z.array(experienceSchema),
  matrix: accuracyMatrixSchema,
  references: referencesSchema,
  metrics: metricsSchema,
  details: z.array(detailsSchema),
  costs: z.strictObject({ size: sizeSchema.nullable(), capacity: capacitySchema.nullable() }),
  timing: timingSchema.nullable(),
});

// Compile-time check that what the schema accepts is a RunResults.
const _parsedIsRunResults = (parsed: z.output<typeof runResultsSchema>): RunResults => parsed;
void _parsedIsRunResults;

/**
 * The JSON Schema (draft 2020-12) of the {@link RunResults} document, for
 * readers outside TypeScript. Cross-field rules (indices in range,
 * metrics consistent with the matrix) are only in parseRunResults.
 */
export function runResultsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runResultsSchema) as Record<string, unknown>;
}
