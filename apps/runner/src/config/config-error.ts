import { RetainError } from '@retain/core';
import type { z } from 'zod';

/** A config (file, preset, or --set override) that does not validate: one line naming the field. */
export class ConfigError extends RetainError {
  /** The config file or preset name. */
  readonly source: string;
  /** Dotted field path, e.g. `strategy.options.pruneFraction` (empty for the whole document). */
  readonly field: string;
  /** What the field should hold. */
  readonly expected: string;
  /** What it holds, as short JSON (`nothing` when missing). */
  readonly got: string;

  constructor(source: string, field: string, expected: string, got: string) {
    super('ERR_CONFIG', `${source}: ${field === '' ? '(document)' : field}: expected ${expected}, got ${got}`);
    this.source = source;
    this.field = field;
    this.expected = expected;
    this.got = got;
  }
}

const MAX_VALUE_CHARS = 60;

/** Short JSON of a value for an error line (`nothing` for undefined). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}

/** Dotted path with [i] for array indices: `model.hiddenSizes[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string }, small: boolean): string {
  const limit = String(small ? issue.minimum : issue.maximum);
  const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  if (issue.origin === 'array') return `an array with ${small ? 'at least' : 'at most'} ${limit} entries`;
  if (issue.origin === 'string') return `a string of ${small ? 'at least' : 'at most'} ${limit} characters`;
  return `a number ${op} ${limit}`;
}

/** What an issue expected, in words. */
function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : `${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return bound(issue, true);
    case 'too_big':
      return bound(issue, false);
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? `a string of ${issue.message}` : `a ${issue.format} string`;
    case 'unrecognized_keys':
      return 'no such field (not in the schema)';
    case 'invalid_union': {
      const options = (issue.errors ?? []).map((branch) => branch[0]).filter((i): i is z.core.$ZodIssue => i !== undefined);
      const words = [...new Set(options.map((i) => (i.path.length === 0 ? expectation(i) : `${formatPath(i.path)} = ${expectation(i)}`)))];
      return words.length === 0 ? issue.message : words.join(' or ');
    }
    case 'custom':
      return issue.message.startsWith('expected ') ? issue.message.slice('expected '.length) : issue.message;
    default:
      return issue.message;
  }
}

/**
 * The ConfigError of the first issue zod found in `input` (read from
 * `source`): the field path, what was expected and what was there.
 */
export function configErrorFromZod(source: string, error: z.ZodError, input: unknown): ConfigError {
  const issue = error.issues[0];
  if (issue === undefined) return new ConfigError(source, '', 'a valid config', describeValue(input));
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const path = [...issue.path, key];
    return new ConfigError(source, formatPath(path), expectation(issue), describeValue(valueAt(input, path)));
  }
  if (issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator') {
    const options = (issue as { options?: readonly unknown[] }).options ?? [];
    const expected = `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
    return new ConfigError(source, formatPath(issue.path), expected, describeValue(valueAt(input, issue.path)));
  }
  return new ConfigError(source, formatPath(issue.path), expectation(issue), describeValue(valueAt(input, issue.path)));
}
