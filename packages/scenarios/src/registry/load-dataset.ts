import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@retain/core';
import { DatasetNotFoundError, DownloadError, type LookedIn } from '../errors/dataset-errors.js';
import { sha256Hex } from '../formats/file-bytes.js';
import { extractTarGzMembers, extractZipMembers } from './archive-members.js';
import { candidateDirs, defaultCacheDir, findFiles } from './data-locations.js';
import { downloadVerified, type DownloadProgress } from './download.js';
import { KNOWN_DATASETS, type KnownDataset } from './known-datasets.js';
import { terminalProgressBar } from './progress-bar.js';
import { readKnownDataset, type LoadedDataset } from './read-known-dataset.js';
import { writeVerifiedRecord, type VerifyMode } from './verification.js';

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Looked in first: `<dataDir>/<name>/`, then `<dataDir>/`. */
  readonly dataDir?: string;
  /** The user cache (default {@link defaultCacheDir}); downloads land in `<cacheDir>/<name>/`. */
  readonly cacheDir?: string;
  /** System directories to look in (default: the dataset's, e.g. Debian's /usr/share/datasets/fashion-mnist). */
  readonly systemDirs?: readonly string[];
  /** Whether to download when no local copy exists (default true unless RETAIN_OFFLINE=1). */
  readonly download?: boolean;
  /** Replaces the dataset's mirrors: base URLs for per-file datasets, archive URLs for archives. */
  readonly mirrors?: readonly string[];
  /** 'checksum' (default): a file that contradicts a known checksum throws; 'structure': format checks only. */
  readonly verify?: VerifyMode;
  /** Called as download bytes arrive. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Draw a progress bar on stderr (default: when stderr is a terminal). */
  readonly progressBar?: boolean;
  /** Environment to read RETAIN_DATA_DIR, RETAIN_CACHE_DIR and RETAIN_OFFLINE from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The fetch used for downloads (default the global fetch). */
  readonly fetch?: typeof fetch;
  /** Aborts a download. */
  readonly signal?: AbortSignal;
}

/** The registry entry for `name`, or an InvalidArgumentError listing the known names. */
export function knownDataset(name: string): KnownDataset {
  const spec = KNOWN_DATASETS[name];
  if (spec === undefined) throw new InvalidArgumentError('dataset', name, `one of ${Object.keys(KNOWN_DATASETS).join(', ')}`);
  return spec;
}

function downloadUrls(spec: KnownDataset, options: LoadDatasetOptions): string[] {
  const d = spec.download;
  if (d.kind === 'none') return [];
  const bases = options.mirrors ?? (d.kind === 'files' ? d.mirrors : d.urls);
  return [...bases];
}

function howToProvide(spec: KnownDataset, cacheDir: string, env: NodeJS.ProcessEnv): string {
  const names = spec.files.map((f) => f.name).join(', ');
  const envDir = env['RETAIN_DATA_DIR'];
  const where = envDir ? join(envDir, spec.name) : `$RETAIN_DATA_DIR/${spec.name}/ (set RETAIN_DATA_DIR)`;
  const parts = [`put ${names} in ${where}, in ${join(cacheDir, spec.name)}, or in the directory given as dataDir`];
  if (spec.provideHint) parts.push(spec.provideHint);
  const d = spec.download;
  if (d.kind === 'files') parts.push(`the files are at ${d.mirrors.map((m) => `${m}<file>`).join(' or ')}`);
  if (d.kind === 'tar.gz' || d.kind === 'zip') parts.push(`download ${d.urls[0]} and extract ${Object.keys(d.members).join(', ')}`);
  return `${parts.join('; ')}.`;
}

async function downloadInto(spec: KnownDataset, dir: string, urls: readonly string[], options: LoadDatasetOptions, onProgress?: (p: DownloadProgress) => void): Promise<void> {
  const d = spec.download;
  const common = { ...(onProgress ? { onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
  const tryUrls = async (candidates: readonly string[], target: string, sha256: string): Promise<string> => {
    const failures: string[] = [];
    for (const url of candidates) {
      try {
        await downloadVerified(url, target, sha256, common);
        return url;
      } catch (error) {
        if (!(error instanceof DownloadError)) throw error;
        failures.push(error.message);
      }
    }
    throw new DownloadError(candidates.join(' | '), failures.join('; '));
  };
  if (d.kind === 'files') {
    for (const file of spec.files) {
      if (file.sha256 === undefined) throw new DownloadError(urls.join(' | '), `no SHA-256 is recorded for ${file.name}; refusing an unverified download`);
      await tryUrls(urls.map((base) => `${base}${file.name}`), join(dir, file.name), file.sha256);
    }
    return;
  }
  if (d.kind === 'none' || d.archive.sha256 === undefined) return;
  const archive = join(dir, d.archive.name);
  const url = await tryUrls(urls, archive, d.archive.sha256);
  try {
    const written = d.kind === 'tar.gz' ? await extractTarGzMembers(archive, d.members, dir) : await extractZipMembers(archive, d.members, dir);
    const hashes = Object.fromEntries(Object.entries(written).map(([local, path]) => [local, sha256Hex(readFileSync(path))]));
    writeVerifiedRecord(dir, url, d.archive.sha256, hashes);
  } finally {
    rmSync(archive, { force: true });
  }
}

/**
 * Finds, verifies and reads a dataset. Resolution order: the dataDir option,
 * $RETAIN_DATA_DIR, the user cache, system locations (e.g. Debian's
 * /usr/share/datasets/fashion-mnist), then a download from the official
 * mirrors into the cache (SHA-256 verified, progress reported). A broken file
 * found on the way throws (it is never skipped for another copy); when the
 * dataset is nowhere, {@link DatasetNotFoundError} lists every place looked
 * in and how to provide the files.
 */
export async function loadDataset(dataset: string | KnownDataset, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const spec = typeof dataset === 'string' ? knownDataset(dataset) : dataset;
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const mode = options.verify ?? 'checksum';
  const candidates = candidateDirs(spec, { ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}), cacheDir, systemDirs: options.systemDirs ?? spec.systemDirs, env });
  const lookedIn: LookedIn[] = [];
  for (const { dir, origin } of candidates) {
    const { found, missing } = findFiles(spec, dir);
    if (missing.length === 0) return readKnownDataset(spec, dir, found, origin, mode);
    lookedIn.push({ location: dir, origin, outcome: missing.length === spec.files.length ? 'no files' : `missing ${missing.join(', ')}` });
  }
  const urls = downloadUrls(spec, options);
  const offline = env['RETAIN_OFFLINE'] === '1' || env['RETAIN_OFFLINE'] === 'true';
  const allowed = options.download ?? !offline;
  if (spec.download.kind === 'none') {
    lookedIn.push({ location: '(no download)', origin: 'download', outcome: spec.download.reason });
  } else if (!allowed) {
    lookedIn.push({ location: urls.join(' | '), origin: 'download', outcome: options.download === false ? 'skipped (download: false)' : 'skipped (RETAIN_OFFLINE is set)' });
  } else {
    const dir = join(cacheDir, spec.name);
    const bar = (options.progressBar ?? process.stderr.isTTY) ? terminalProgressBar() : undefined;
    const onProgress = (p: DownloadProgress): void => {
      bar?.onProgress(p);
      options.onProgress?.(p);
    };
    try {
      await downloadInto(spec, dir, urls, options, onProgress);
      const { found, missing } = findFiles(spec, dir);
      if (missing.length === 0) return readKnownDataset(spec, dir, found, 'download', mode);
      lookedIn.push({ location: dir, origin: 'download', outcome: `downloaded, but still missing ${missing.join(', ')}` });
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error;
      lookedIn.push({ location: urls.join(' | '), origin: 'download', outcome: `failed: ${error.message}` });
    } finally {
      bar?.stop();
    }
  }
  throw new DatasetNotFoundError(spec.name, lookedIn, howToProvide(spec, cacheDir, env));
}
