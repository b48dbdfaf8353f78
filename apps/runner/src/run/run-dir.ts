import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { tf, type BackendInfo, type NativeBlasStatus } from '@retain/core';
import {
  formatConsoleReport,
  markdownComparisonTable,
  readRunResults,
  writeFileAtomic,
  writeHtmlReport,
  writeRunResultsCsv,
  type RunResults,
} from '@retain/evaluation';
import type { RunConfig } from '../config/schema.js';

/** File names of a run directory (see the runner contract). */
export const RUN_FILES = {
  config: 'config.json',
  environment: 'environment.json',
  metrics: 'metrics.json',
  csv: 'metrics.csv',
  markdown: 'report.md',
  html: 'report.html',
  store: 'store.rtn',
  checkpoint: 'checkpoint',
} as const;

/** Path of `file` in `runDir`. */
export function runFile(runDir: string, file: keyof typeof RUN_FILES): string {
  return join(runDir, RUN_FILES[file]);
}

function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/** The run id of the contract: `<preset-or-config name>-<strategy>-s<seed>-<yyyymmdd-hhmmss>` (UTC). */
export function runId(config: RunConfig, date: Date = new Date()): string {
  return `${config.name}-${config.strategy.name}-s${config.seed}-${timestamp(date)}`;
}

const PACKAGES = ['core', 'scenarios', 'pruning', 'quantization', 'masks', 'strategies', 'evaluation'] as const;

function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      versions[`@retain/${name}`] = (require(`@retain/${name}/package.json`) as { version: string }).version;
    } catch {
      versions[`@retain/${name}`] = 'unknown';
    }
  }
  versions['@retain/runner'] = (require('../../package.json') as { version: string }).version;
  versions['@tensorflow/tfjs-core'] = tf.version_core;
  return versions;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** What environment.json records. */
export interface RunEnvironment {
  readonly packages: Record<string, string>;
  readonly backend: {
    readonly name: string;
    readonly requested: string;
    readonly reason: string;
    readonly simd: boolean;
    readonly threads: number;
    /** Whether wasm's matrix products ran in the native BLAS addon, and why (RETAIN_NATIVE_BLAS=auto|on|off). */
    readonly nativeBlas: NativeBlasStatus;
  };
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string | null;
  readonly gitCommit: string | null;
  readonly seed: number;
  readonly commandLine: readonly string[];
  readonly startedAt: string;
  /** The data actually used (the scenario's `source`). */
  readonly dataSource: string;
  /** True when the embedded Fashion-MNIST subset stood in for the full data. */
  readonly embeddedSubset: boolean;
  /** The evaluation protocol (see run/protocol.ts). */
  readonly protocol: string;
  /** Each `--resume`, in order. */
  readonly resumes: readonly { readonly at: string; readonly fromExperience: number; readonly commandLine: readonly string[] }[];
}

/** One line naming the backend, e.g. `wasm (SIMD, 1 thread) + native BLAS libopenblas.so.0 (1 thread)`. */
export function backendLabel(backend: BackendInfo): string {
  if (backend.name !== 'wasm') return backend.name;
  const wasm = `wasm (${backend.simd ? 'SIMD, ' : ''}${backend.threads} thread${backend.threads === 1 ? '' : 's'})`;
  const blas = backend.nativeBlas;
  if (!blas.active) return wasm;
  const threads = blas.threads === undefined ? '' : ` (${blas.threads} thread${blas.threads === 1 ? '' : 's'})`;
  return `${wasm} + native BLAS ${blas.library ?? ''}${threads}`;
}

/** The environment of this process for a run. */
export function describeEnvironment(config: RunConfig, backend: BackendInfo, dataSource: string, embeddedSubset: boolean, protocol: string): RunEnvironment {
  return {
    packages: packageVersions(),
    backend: {
      name: backend.name,
      requested: backend.requested,
      reason: backend.reason,
      simd: backend.simd,
      threads: backend.threads,
      nativeBlas: backend.nativeBlas,
    },
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    gitCommit: gitCommit(),
    seed: config.seed,
    commandLine: process.argv.slice(1),
    startedAt: new Date().toISOString(),
    dataSource,
    embeddedSubset,
    protocol,
    resumes: [],
  };
}

/** Writes a JSON document atomically, 2-space indented. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** report.md of one run: what ran, the paper-style table and the accuracy matrix. */
export function markdownReport(results: RunResults): string {
  const r = results.run;
  const options = Object.entries(r.options)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return [
    `# ${r.strategy} on ${r.scenario}`,
    '',
    `${r.scenarioKind}, seed ${r.seed}, backend ${r.backend}${options === '' ? '' : `; ${options}`}.`,
    '',
    markdownComparisonTable([results]),
    '',
    '## Accuracy matrix',
    '',
    '```',
    formatConsoleReport(results).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/** Writes metrics.csv, report.md and report.html of `results` into `runDir` (each atomically). */
export async function writeReports(runDir: string, results: RunResults): Promise<void> {
  await writeRunResultsCsv(runFile(runDir, 'csv'), [results]);
  await writeFileAtomic(runFile(runDir, 'markdown'), markdownReport(results));
  await writeHtmlReport(runFile(runDir, 'html'), [results], { title: `retain: ${results.run.strategy} on ${results.run.scenario}` });
}

/** `retain report`: regenerates metrics.csv, report.md and report.html from metrics.json. */
export async function regenerateReports(runDir: string): Promise<RunResults> {
  const results = await readRunResults(runFile(runDir, 'metrics'));
  await writeReports(runDir, results);
  return results;
}
