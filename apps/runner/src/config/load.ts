import { readFile } from 'node:fs/promises';
import { PRESETS } from '../presets/catalog.js';
import { ConfigError, configErrorFromZod, describeValue } from './config-error.js';
import { runConfigSchema, type RunConfig } from './schema.js';

/** Validates a parsed config document; throws {@link ConfigError} (one line naming the field) when it does not fit. */
export function parseRunConfig(input: unknown, source: string): RunConfig {
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) throw configErrorFromZod(source, parsed.error, input);
  return parsed.data;
}

function overrideValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // a bare string: --set strategy.options.bits=search
  }
}

function pathSegments(path: string, source: string): (string | number)[] {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(path)) {
    throw new ConfigError(source, path, 'a dotted field path such as training.epochs or model.hiddenSizes[0]', describeValue(path));
  }
  return path
    .split(/\.|(?=\[)/)
    .map((segment) => (segment.startsWith('[') ? Number(segment.slice(1, -1)) : /^\d+$/.test(segment) ? Number(segment) : segment));
}

/**
 * Applies `--set path=value` overrides to a config document (a copy): the
 * value is JSON when it parses as JSON (numbers, booleans, arrays, objects,
 * quoted strings), else the bare string. Missing objects on the way are
 * created. The result is validated afterwards like any config.
 */
export function applyOverrides(document: unknown, overrides: readonly string[]): unknown {
  const root = structuredClone(document) as Record<string | number, unknown>;
  for (const override of overrides) {
    const source = `--set ${override}`;
    const eq = override.indexOf('=');
    if (eq <= 0) throw new ConfigError(source, '', 'path=value', describeValue(override));
    const segments = pathSegments(override.slice(0, eq), source);
    let node: Record<string | number, unknown> = root;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        node[segment] = overrideValue(override.slice(eq + 1));
        return;
      }
      const next = node[segment];
      if (next === undefined) node[segment] = typeof segments[i + 1] === 'number' ? [] : {};
      else if (next === null || typeof next !== 'object') {
        throw new ConfigError(source, segments.slice(0, i + 1).join('.'), 'an object to set a field in', describeValue(next));
      }
      node = node[segment] as Record<string | number, unknown>;
    });
  }
  return root;
}

/** Reads a config file or preset's document, before overrides and validation. */
export async function readConfigDocument(source: string): Promise<unknown> {
  const preset = PRESETS[source];
  if (preset !== undefined) return structuredClone(preset.config);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const got = code === 'ENOENT' ? 'no such preset or file' : `an unreadable file (${code ?? String(error)})`;
    throw new ConfigError(source, '', 'a preset name (see `retain presets`) or a JSON config file', got);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(source, '', 'valid JSON', `a syntax error (${(error as Error).message})`);
  }
}

/**
 * The validated RunConfig of a preset name or a JSON config file, with
 * `--set path=value` overrides applied first. Throws {@link ConfigError}
 * (`<source>: <field.path>: expected <...>, got <...>`).
 */
export async function loadRunConfig(source: string, overrides: readonly string[] = []): Promise<RunConfig> {
  const document = applyOverrides(await readConfigDocument(source), overrides);
  return parseRunConfig(document, source);
}
