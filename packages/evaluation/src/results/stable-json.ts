import { configure } from 'safe-stable-stringify';

const strictStableStringify = configure({ deterministic: true, strict: true, bigint: false, circularValue: Error });

/**
 * Serialises `value` as JSON with a stable form: object keys sorted at every
 * level, numbers in JavaScript's shortest round-trip form (`-0` becomes `0`),
 * `indent` spaces, and a final newline. Properties whose value is `undefined`
 * are dropped as JSON.stringify does; NaN, Infinity, functions, bigints and
 * cycles throw, so nothing is silently turned into `null`.
 */
export function stableStringify(value: unknown, indent = 2): string {
  const text = strictStableStringify(value, null, indent);
  if (text === undefined) throw new TypeError('stableStringify: value has no JSON form');
  return `${text}\n`;
}
