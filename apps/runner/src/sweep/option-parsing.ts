import { InvalidArgumentError } from '@retain/core';

/** One `--grid` axis: a config path and the values it takes. */
export interface GridAxis {
  /** Dotted config path, e.g. `strategy.options.bits`. */
  readonly path: string;
  /** Value texts, each given to `retain run --set <path>=<value>` as is. */
  readonly values: readonly string[];
}

/**
 * Splits on commas that are not inside brackets, braces or double-quoted
 * strings, so JSON values may hold commas: `2,[1,2],"a,b"` -> `2`, `[1,2]`,
 * `"a,b"`. Pieces are trimmed.
 */
export function splitTopLevel(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') depth += 1;
    else if (char === ']' || char === '}') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      pieces.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  pieces.push(text.slice(start).trim());
  return pieces;
}

/** A comma-separated list of names (`ada-qpacknet,packnet`); empty pieces are refused. */
export function parseNameList(field: string, text: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  names.forEach((name) => {
    if (name === '') throw new InvalidArgumentError(field, text, 'a comma-separated list of names');
  });
  return names;
}

/**
 * Seeds as a comma-separated list of integers and inclusive ranges:
 * `0,1,2`, `0-4`, `0-2,10`. Refuses negatives, reversed ranges and repeats.
 */
export function parseSeedList(text: string): number[] {
  const seeds: number[] = [];
  for (const piece of text.split(',').map((part) => part.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(piece);
    if (range === null) throw new InvalidArgumentError('--seeds', text, 'seeds like 0,1,2 or 0-4');
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (!Number.isSafeInteger(to) || to < from || to - from > 10_000) throw new InvalidArgumentError('--seeds', text, 'ranges from low to high, like 0-4');
    for (let seed = from; seed <= to; seed += 1) seeds.push(seed);
  }
  const repeated = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
  if (repeated !== undefined) throw new InvalidArgumentError('--seeds', text, `each seed once (${repeated} repeats)`);
  return seeds;
}

/**
 * One `--grid <path>=<v1>,<v2>,...` option. Values are split with
 * {@link splitTopLevel} (so `--grid model.hiddenSizes=[100,100],[200]` gives
 * two values); empty or repeated values are refused.
 */
export function parseGridOption(text: string): GridAxis {
  const equals = text.indexOf('=');
  const path = equals < 0 ? '' : text.slice(0, equals).trim();
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$0-9][\w$]*)*$/.test(path)) throw new InvalidArgumentError('--grid', text, '<config.path>=<value>,<value>,...');
  const values = splitTopLevel(text.slice(equals + 1));
  if (values.some((value) => value === '')) throw new InvalidArgumentError('--grid', text, 'non-empty values separated by commas');
  if (new Set(values).size !== values.length) throw new InvalidArgumentError('--grid', text, 'each value once');
  return { path, values };
}
