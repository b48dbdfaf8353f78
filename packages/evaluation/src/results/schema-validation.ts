import type { z } from 'zod';
import { ResultsFormatError } from '../errors/evaluation-errors.js';

/** Formats a path such as `['matrix', 'cells', 3, 'correct']` as `matrix.cells[3].correct`. */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(root)' : text;
}

/**
 * Validates `value` against `schema` and returns the parsed value; on failure
 * throws {@link ResultsFormatError} naming the first offending field (with
 * `prefix` prepended to its path) and the file `source` when given.
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, prefix = '', source?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ResultsFormatError(formatFieldPath([], prefix), 'invalid value', source);
  throw new ResultsFormatError(formatFieldPath(issue.path, prefix), issue.message, source, { cause: result.error });
}
