import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import type { KnownDataset, KnownFile } from './known-datasets.js';

/** A directory the registry looks in, and why it is on the list. */
export interface Candidate {
  /** Absolute directory. */
  readonly dir: string;
  /** 'dataDir option', 'RETAIN_DATA_DIR', 'user cache' or 'system'. */
  readonly origin: string;
}

/**
 * The user cache directory for datasets: $RETAIN_CACHE_DIR, else the
 * platform cache dir from env-paths (Linux: $XDG_CACHE_HOME/retain or
 * ~/.cache/retain; macOS: ~/Library/Caches/retain; Windows:
 * %LOCALAPPDATA%\retain\Cache) plus /datasets.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['RETAIN_CACHE_DIR'];
  if (override !== undefined && override !== '') return resolve(override);
  return join(envPaths('retain', { suffix: '' }).cache, 'datasets');
}

/**
 * The directories looked in for `spec`, in resolution order: the dataDir
 * option (`<dir>/<name>` then `<dir>`), $RETAIN_DATA_DIR (same), the user
 * cache (`<cache>/<name>`), then the system directories. Duplicates dropped.
 */
export function candidateDirs(spec: KnownDataset, options: { dataDir?: string; cacheDir: string; systemDirs: readonly string[]; env: NodeJS.ProcessEnv }): Candidate[] {
  const list: Candidate[] = [];
  const add = (dir: string, origin: string): void => {
    const abs = resolve(dir);
    if (!list.some((c) => c.dir === abs)) list.push({ dir: abs, origin });
  };
  if (options.dataDir !== undefined) {
    add(join(options.dataDir, spec.name), 'dataDir option');
    add(options.dataDir, 'dataDir option');
  }
  const envDir = options.env['RETAIN_DATA_DIR'];
  if (envDir !== undefined && envDir !== '') {
    add(join(envDir, spec.name), 'RETAIN_DATA_DIR');
    add(envDir, 'RETAIN_DATA_DIR');
  }
  add(join(options.cacheDir, spec.name), 'user cache');
  for (const dir of options.systemDirs) add(dir, 'system');
  return list;
}

/** Where each required file of `spec` is in `dir` (by canonical name), or which are missing. */
export function findFiles(spec: KnownDataset, dir: string): { found: Map<string, string>; missing: string[] } {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const file of spec.files) {
    const path = firstExisting(dir, file);
    if (path === undefined) missing.push(describeNames(file));
    else found.set(file.name, path);
  }
  return { found, missing };
}

function firstExisting(dir: string, file: KnownFile): string | undefined {
  for (const name of [file.name, ...(file.alternateNames ?? [])]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function describeNames(file: KnownFile): string {
  const alternates = file.alternateNames ?? [];
  return alternates.length === 1 && file.name === `${alternates[0]}.gz` ? `${alternates[0]}(.gz)` : [file.name, ...alternates].join(' or ');
}
