import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { InvalidArgumentError, RetainError } from '../../errors/retain-error.js';
import { ADAM_UPDATE_KERNEL, nativeAdamKernel } from '../kernels/native-adam.js';
import { nativeConv2D, NATIVE_CONV_KERNELS } from '../kernels/native-conv2d.js';
import { nativeMatMul } from '../kernels/native-mat-mul.js';
import { loadNativeBlas } from './load-native-blas.js';

/** Whether initBackend uses the native BLAS addon for wasm's matrix products. */
export const NATIVE_BLAS_MODES = ['auto', 'on', 'off'] as const;
export type NativeBlasMode = (typeof NATIVE_BLAS_MODES)[number];

/** Largest BLAS thread count initBackend accepts. */
export const MAX_NATIVE_BLAS_THREADS = 64;

/** The kernels the addon takes over (each falls back to retain's or stock wasm's kernel case by case). */
const NATIVE_MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'];
const NATIVE_KERNELS = [...NATIVE_MATMUL_KERNELS, ...NATIVE_CONV_KERNELS];

/** What the native BLAS path is doing in this process. */
export interface NativeBlasStatus {
  /** Whether the wasm backend's matrix products run in the native BLAS now. */
  readonly active: boolean;
  /** One line: why it is (or is not) active. */
  readonly reason: string;
  /** The BLAS library loaded (e.g. libopenblas.so.0), when the addon loaded. */
  readonly library?: string;
  /** Its build string (OpenBLAS: version, kernel, threading), when it says. */
  readonly config?: string;
  /** BLAS threads, when the library says. */
  readonly threads?: number;
  /** Kernels registered with the native path. */
  readonly kernels: readonly string[];
}

/** initBackend's nativeBlas was 'on' and the addon cannot run here. */
export class NativeBlasUnavailableError extends RetainError {
  constructor(reason: string) {
    super('ERR_NATIVE_BLAS_UNAVAILABLE', `nativeBlas 'on': ${reason}`);
  }
}

/** The wasm kernels (retain's) and native ones, by name, to switch between. */
const wasmKernels = new Map<string, KernelConfig>();
const nativeKernels = new Map<string, KernelConfig>();

/** The fused Adam kernel (native only: without it optim/adam-update.ts uses tf ops). */
let nativeAdam: KernelConfig | undefined;

function register(config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

function unregisterAdam(): void {
  if (tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm') !== undefined) tf.unregisterKernel(ADAM_UPDATE_KERNEL, 'wasm');
}

/** The mode asked for: the option, else RETAIN_NATIVE_BLAS, else 'auto'. */
export function resolveNativeBlasMode(option: NativeBlasMode | undefined): NativeBlasMode {
  if (option !== undefined) {
    if (!(NATIVE_BLAS_MODES as readonly string[]).includes(option)) {
      throw new InvalidArgumentError('nativeBlas', option, `one of ${NATIVE_BLAS_MODES.join(', ')}`);
    }
    return option;
  }
  const env = typeof process === 'undefined' ? undefined : process.env['RETAIN_NATIVE_BLAS'];
  if (env === undefined || env === '') return 'auto';
  if (!(NATIVE_BLAS_MODES as readonly string[]).includes(env)) {
    throw new InvalidArgumentError('RETAIN_NATIVE_BLAS', env, `one of ${NATIVE_BLAS_MODES.join(', ')}`);
  }
  return env as NativeBlasMode;
}

/**
 * Puts the native BLAS addon under wasm's BatchMatMul, _FusedMatMul and
 * convolutions (after retain's wasm training kernels are registered: they stay
 * as the fallback), and registers the fused Adam kernel (RetainAdamUpdate).
 * `mode` 'off' leaves the wasm kernels; 'auto' uses the addon when it loads;
 * 'on' throws {@link NativeBlasUnavailableError} when it cannot. A threaded
 * wasm heap (SharedArrayBuffer) cannot be handed to Node-API, so `wasmThreads`
 * > 1 keeps the wasm kernels.
 */
export function installNativeBlasKernels(mode: NativeBlasMode, threads: number, wasmThreads: number): NativeBlasStatus {
  for (const name of NATIVE_KERNELS) {
    const current = tf.getKernel(name, 'wasm');
    if (current !== undefined && current !== nativeKernels.get(name)) wasmKernels.set(name, current);
  }
  const off = (reason: string): NativeBlasStatus => {
    if (mode === 'on') throw new NativeBlasUnavailableError(reason);
    for (const config of wasmKernels.values()) register(config);
    unregisterAdam();
    return { active: false, reason, kernels: [] };
  };
  if (mode === 'off') return off("nativeBlas 'off'");
  if (wasmThreads > 1) return off(`the wasm heap is shared memory with ${wasmThreads} wasm threads, which Node-API cannot pass`);
  const load = loadNativeBlas();
  if (!('addon' in load)) return off(load.reason);
  load.addon.setThreads(threads);
  for (const [name, fallback] of wasmKernels) {
    nativeKernels.set(name, NATIVE_MATMUL_KERNELS.includes(name) ? nativeMatMul(load.addon, fallback) : nativeConv2D(load.addon, fallback));
  }
  for (const config of nativeKernels.values()) register(config);
  nativeAdam = nativeAdamKernel(load.addon);
  register(nativeAdam);
  const info = load.addon.info();
  return {
    active: true,
    reason: `${mode === 'on' ? "nativeBlas 'on'" : "nativeBlas 'auto'"}: ${info.library} found`,
    library: info.library,
    ...(info.config === '' ? {} : { config: info.config }),
    ...(info.threads < 0 ? {} : { threads: info.threads }),
    kernels: [...nativeKernels.keys(), ADAM_UPDATE_KERNEL],
  };
}

/**
 * Switches wasm's matrix products, convolutions and Adam update between the
 * native addon (true) and retain's wasm kernels / tf ops (false) after initBackend, e.g. for interleaved A/B
 * benchmarks. Returns whether the native path is active afterwards (false when
 * it was never installed).
 */
export function setNativeBlasKernels(enabled: boolean): boolean {
  if (nativeKernels.size === 0 || nativeAdam === undefined) return false;
  for (const config of (enabled ? nativeKernels : wasmKernels).values()) register(config);
  if (enabled) register(nativeAdam);
  else unregisterAdam();
  return enabled;
}
