import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { InvalidArgumentError } from '../errors/retain-error.js';
import {
  BACKEND_CHOICES,
  BackendUnavailableError,
  installHint,
  NATIVE_BACKEND_PACKAGES,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
} from './backend-choice.js';
import { registerWasmTrainingKernels } from './kernels/register-training-kernels.js';
import {
  installNativeBlasKernels,
  MAX_NATIVE_BLAS_THREADS,
  resolveNativeBlasMode,
  type NativeBlasMode,
  type NativeBlasStatus,
} from './native-blas/native-blas-kernels.js';
import { configureWasmForNode } from './wasm-setup.js';
import { MAX_WASM_THREADS, withWasmThreads } from './wasm-threads.js';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * wasm under Node: threads of the wasm backend, an integer in [1, 4]. Default 1
   * (ours, as stock tfjs under Node). More than 1 starts tfjs' threaded SIMD
   * build on worker_threads (see withWasmThreads). The count is fixed when the
   * wasm backend first starts in a process; a later call cannot change it
   * (`threads` and `reason` in the result say what runs).
   */
  readonly wasmThreads?: number;
  /**
   * wasm: run matrix products (BatchMatMul, _FusedMatMul: every dense layer's
   * forward and backward) in the machine's optimised BLAS through retain's
   * optional native addon (built at install when a C++ compiler is present;
   * OpenBLAS, MKL, BLIS or Accelerate found at run time). 'auto' (default,
   * ours) uses it when it loads, 'on' throws NativeBlasUnavailableError when it
   * cannot, 'off' keeps the wasm kernels. Unset: the RETAIN_NATIVE_BLAS
   * environment variable, else 'auto'. Results match the wasm kernels to float32
   * rounding (summation order differs), not bit for bit.
   */
  readonly nativeBlas?: NativeBlasMode;
  /** BLAS threads for the native path, an integer in [1, 64]. Default 1 (ours, like wasm's one thread). */
  readonly nativeBlasThreads?: number;
}

/** Threads the wasm backend started with in this process (undefined before it started). */
let wasmStartedThreads: number | undefined;

/** Whether `specifier` is installed where retain can see it (resolution only, nothing is loaded). */
function isInstalled(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Loads tfjs-node(-gpu) if installed; it registers its backend on import. */
async function loadNative(backend: 'tensorflow' | 'tensorflow-gpu'): Promise<void> {
  const specifier: string = NATIVE_BACKEND_PACKAGES[backend];
  if (!isInstalled(specifier)) throw new BackendUnavailableError(backend, installHint(backend));
  try {
    await import(specifier);
  } catch (error) {
    throw new BackendUnavailableError(backend, `backend '${backend}': ${specifier} is installed but failed to load: ${String(error)}`, {
      cause: error,
    });
  }
  const registered = backend === 'tensorflow-gpu' ? 'tensorflow' : backend;
  if (!(await tf.setBackend(registered))) {
    throw new BackendUnavailableError(backend, `backend '${backend}': ${specifier} loaded but tf.setBackend('${registered}') failed`);
  }
}

async function activate(name: BackendName, options: InitBackendOptions): Promise<BackendInfo> {
  const notWasm: NativeBlasStatus = { active: false, reason: `the ${name} backend runs its own matrix products`, kernels: [] };
  const base = { name, requested: name, reason: `requested '${name}'`, simd: false, threads: 1, trainingKernels: [] as string[], nativeBlas: notWasm };
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    await loadNative(name);
    return base;
  }
  if (name === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new BackendUnavailableError('cpu', "backend 'cpu' failed to start");
    return base;
  }
  configureWasmForNode();
  const wanted = options.wasmThreads ?? 1;
  const start = async (): Promise<boolean> => tf.setBackend('wasm');
  const threaded = wanted > 1 && wasmStartedThreads === undefined && typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (!(await (threaded ? withWasmThreads(wanted, start) : start()))) {
    throw new BackendUnavailableError('wasm', "backend 'wasm' failed to start: @tensorflow/tfjs-backend-wasm could not load its .wasm binary");
  }
  await tf.ready();
  const threads = getThreadsCount();
  wasmStartedThreads ??= threads;
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const reason = threads === wanted ? base.reason : `${base.reason}; ${wanted} wasm thread(s) asked, ${threads} running (fixed when wasm first started in this process)`;
  const trainingKernels = registerWasmTrainingKernels();
  const nativeBlas = installNativeBlasKernels(resolveNativeBlasMode(options.nativeBlas), options.nativeBlasThreads ?? 1, threads);
  return { ...base, reason, simd, threads, trainingKernels, nativeBlas };
}

/**
 * Selects and starts a tfjs backend, registering retain's training kernels on
 * wasm. `auto` picks tensorflow-gpu > tensorflow > wasm > cpu, the first that
 * is installed and starts, and says why in `reason`. A named backend that is
 * missing throws {@link BackendUnavailableError} with a one-line install hint.
 * `options.wasmThreads` > 1 runs the wasm backend on that many threads under
 * Node (tfjs leaves them off there; see {@link InitBackendOptions}).
 * On wasm, `options.nativeBlas` (default 'auto') runs matrix products in the
 * machine's BLAS when retain's native addon is built; `nativeBlas` in the
 * result says whether it is active and why.
 */
export async function initBackend(choice: BackendChoice = 'auto', options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new InvalidArgumentError('backend', choice, `one of ${BACKEND_CHOICES.join(', ')}`);
  }
  const threads = options.wasmThreads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_WASM_THREADS)) {
    throw new InvalidArgumentError('wasmThreads', threads, `an integer in [1, ${MAX_WASM_THREADS}]`);
  }
  const blasThreads = options.nativeBlasThreads;
  if (blasThreads !== undefined && !(Number.isInteger(blasThreads) && blasThreads >= 1 && blasThreads <= MAX_NATIVE_BLAS_THREADS)) {
    throw new InvalidArgumentError('nativeBlasThreads', blasThreads, `an integer in [1, ${MAX_NATIVE_BLAS_THREADS}]`);
  }
  resolveNativeBlasMode(options.nativeBlas);
  if (choice !== 'auto') return activate(choice, options);
  const skipped: string[] = [];
  for (const candidate of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const) {
    try {
      const info = await activate(candidate, options);
      const why = skipped.length === 0 ? 'the fastest backend' : `fastest available (${skipped.join('; ')})`;
      return { ...info, requested: 'auto', reason: `auto: picked '${candidate}', ${why}` };
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
      skipped.push(`${candidate}: ${error.message.replace(/^backend '[^']+': /, '')}`);
    }
  }
  throw new BackendUnavailableError('cpu', `auto: no backend could start (${skipped.join('; ')})`);
}
