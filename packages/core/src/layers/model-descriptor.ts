import { InvalidArgumentError } from '../errors/retain-error.js';

/** A JSON value (what JSON.parse returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A task's head in a {@link ModelDescriptor}. */
export interface HeadDescriptor {
  readonly taskId: number;
  readonly classes: number;
}

/** The `format` tag of a {@link ModelDescriptor}. */
export const MODEL_DESCRIPTOR_FORMAT = 'retain.model';
/** The version of the {@link ModelDescriptor} layout this code writes and reads. */
export const MODEL_DESCRIPTOR_VERSION = 1;

/**
 * A network's architecture as JSON: the zoo name, the options it was created
 * with (seed included) and its heads now. createModelFromDescriptor rebuilds
 * the same architecture with the same initial weights; getWeights/setWeights
 * carry the trained values.
 */
export interface ModelDescriptor {
  readonly format: typeof MODEL_DESCRIPTOR_FORMAT;
  readonly version: typeof MODEL_DESCRIPTOR_VERSION;
  /** The zoo name, for example 'resnet18-reduced'. */
  readonly zoo: string;
  /** The resolved options (every default filled in). */
  readonly options: { readonly [key: string]: JsonValue };
  /** Multi-head: every head, by task id; single head: one entry with taskId 0. */
  readonly heads: readonly HeadDescriptor[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a parsed descriptor (the zoo checks the options), throwing InvalidArgumentError naming the field. */
export function checkModelDescriptor(value: unknown): ModelDescriptor {
  if (!isRecord(value)) throw new InvalidArgumentError('descriptor', value, 'an object');
  if (value['format'] !== MODEL_DESCRIPTOR_FORMAT) throw new InvalidArgumentError('descriptor.format', value['format'], JSON.stringify(MODEL_DESCRIPTOR_FORMAT));
  if (value['version'] !== MODEL_DESCRIPTOR_VERSION) throw new InvalidArgumentError('descriptor.version', value['version'], String(MODEL_DESCRIPTOR_VERSION));
  if (typeof value['zoo'] !== 'string') throw new InvalidArgumentError('descriptor.zoo', value['zoo'], 'a zoo model name');
  if (!isRecord(value['options'])) throw new InvalidArgumentError('descriptor.options', value['options'], 'an object');
  const heads = value['heads'];
  if (!Array.isArray(heads)) throw new InvalidArgumentError('descriptor.heads', heads, 'an array of { taskId, classes }');
  heads.forEach((h: unknown, i) => {
    if (!isRecord(h) || !Number.isInteger(h['taskId']) || (h['taskId'] as number) < 0 || !Number.isInteger(h['classes']) || (h['classes'] as number) <= 0) {
      throw new InvalidArgumentError(`descriptor.heads[${i}]`, h, '{ taskId: non-negative integer, classes: positive integer }');
    }
  });
  return value as unknown as ModelDescriptor;
}
