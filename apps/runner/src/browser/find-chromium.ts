import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ChromiumNotFoundError } from './browser-errors.js';

/** Where Debian's `chromium` package puts its launcher. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const NAMES = ['chromium', 'chromium-browser'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The places {@link findChromium} tries, in order: `explicit`, $RETAIN_CHROMIUM, /usr/bin/chromium, then chromium / chromium-browser on $PATH. */
export function chromiumCandidates(explicit?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir.length > 0)
    .flatMap((dir) => NAMES.map((name) => join(dir, name)));
  const first = [explicit, env['RETAIN_CHROMIUM']].filter((p): p is string => p !== undefined && p.length > 0);
  return [...new Set([...first, DEBIAN_CHROMIUM, ...fromPath])];
}

/** The first executable Chromium among {@link chromiumCandidates}, or undefined. */
export function tryFindChromium(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return chromiumCandidates(explicit, env).find(isExecutable);
}

/**
 * The Chromium executable to drive: `explicit` when given (it must exist),
 * else $RETAIN_CHROMIUM, /usr/bin/chromium or chromium on $PATH. Throws
 * {@link ChromiumNotFoundError} with the install hint when none is found.
 */
export function findChromium(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) {
    if (isExecutable(explicit)) return explicit;
    throw new ChromiumNotFoundError([explicit]);
  }
  const candidates = chromiumCandidates(undefined, env);
  const found = candidates.find(isExecutable);
  if (found === undefined) throw new ChromiumNotFoundError(candidates);
  return found;
}
