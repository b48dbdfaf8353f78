import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** Most threads tfjs-backend-wasm's thread pool takes (its backend.cc clamps to [1, 4]). */
export const MAX_WASM_THREADS = 4;

let workerFile: string | undefined;
let blobSize = -1;

/**
 * The pthread worker script of tfjs-backend-wasm's threaded build, written
 * once to a file Node's worker_threads can load. tfjs hands Emscripten a
 * blob: URL for it, which Node's Worker cannot open (tfjs issue #3830), and
 * the worker then imports the main script from a blob too; the file adds one
 * line that loads that script from the package instead.
 */
function writeWorkerFile(): string {
  if (workerFile !== undefined) return workerFile;
  const require = createRequire(import.meta.url);
  const pkgDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..');
  const { wasmWorkerContents } = require(join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const factory = join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  // tfjs escapes newlines the same way before making its Blob: string literals in the script hold them.
  const escaped = wasmWorkerContents.replace(/\n/g, '\\n');
  blobSize = Buffer.byteLength(escaped);
  const loader =
    ';(function(){var load=global.importScripts;global.importScripts=function(f){' +
    `if(typeof f==='string'&&f.startsWith('blob:')){global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(factory)});return}` +
    'return load(f)}})();';
  const text = escaped + loader;
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(os.tmpdir(), `retain-tfjs-wasm-${version}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `threaded-simd-worker-${hash}.cjs`);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
  workerFile = file;
  return file;
}

let urlPatched = false;

/** Makes URL.createObjectURL return the worker file for tfjs' worker Blob (recognised by type and size); other Blobs are untouched. */
function routeWorkerBlob(file: string): void {
  if (urlPatched) return;
  const original = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob): string => {
    if (obj instanceof Blob && obj.type === 'application/javascript' && obj.size === blobSize) return file;
    return original(obj);
  };
  urlPatched = true;
}

/**
 * Prepares tfjs-backend-wasm to run `threads` threads under Node (call before
 * the wasm backend starts; initBackend does). tfjs turns threads off in Node
 * (flag WASM_HAS_MULTITHREAD_SUPPORT is false there) because its worker
 * script is a blob: URL; we load it from a file instead. Its thread pool is
 * created when the module starts, with min(max(cpus / 2, 1), 4) threads
 * (backend.cc divides the logical CPUs by two for hyper-threads), whatever
 * setThreadsCount says; `startBackend` therefore runs while os.cpus()
 * reports 2 x threads CPUs, and os.cpus is restored afterwards.
 */
export async function withWasmThreads<T>(threads: number, startBackend: () => Promise<T>): Promise<T> {
  routeWorkerBlob(writeWorkerFile());
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const cpus = os.cpus;
  const reported = cpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => reported[i % Math.max(1, reported.length)] as os.CpuInfo);
  try {
    const started = await startBackend();
    unrefWorkers();
    return started;
  } finally {
    os.cpus = cpus;
  }
}

/** Emscripten's pthread workers, as the threaded wasm module holds them. */
interface PThreadPool {
  readonly runningWorkers?: readonly { unref?: () => void }[];
  readonly unusedWorkers?: readonly { unref?: () => void }[];
}

/**
 * Lets Node exit while the thread pool's workers wait for work (Emscripten
 * refs a worker that runs a pthread, and the pool's pthreads never end).
 */
function unrefWorkers(): void {
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: PThreadPool } } | null;
  const pool = backend?.wasm?.PThread;
  for (const worker of [...(pool?.runningWorkers ?? []), ...(pool?.unusedWorkers ?? [])]) worker.unref?.();
}
