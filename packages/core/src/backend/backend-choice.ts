import { RetainError } from '../errors/retain-error.js';
import type { NativeBlasStatus } from './native-blas/native-blas-kernels.js';

/** The backends retain can run on. `auto` picks the fastest one installed. */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** What {@link initBackend} set up, and why. */
export interface BackendInfo {
  /** The backend now active in tf. */
  name: BackendName;
  /** What the caller asked for. */
  requested: BackendChoice;
  /** One line: why this backend (and not a faster one) was chosen. */
  reason: string;
  /** wasm only: SIMD in use. */
  simd: boolean;
  /** wasm only: number of threads the backend uses (1 under Node unless initBackend's wasmThreads asks for more). */
  threads: number;
  /** Kernels retain registered on top of the backend's own. */
  trainingKernels: string[];
  /** wasm: whether matrix products run in the native BLAS addon, and why (inactive on other backends). */
  nativeBlas: NativeBlasStatus;
}

/** The backend asked for is not installed or cannot start here. */
export class BackendUnavailableError extends RetainError {
  readonly backend: BackendName;

  constructor(backend: BackendName, message: string, options?: { cause?: unknown }) {
    super('ERR_BACKEND_UNAVAILABLE', message, options);
    this.backend = backend;
  }
}

/** npm packages behind the native backends, and how to install them. */
export const NATIVE_BACKEND_PACKAGES: Record<'tensorflow' | 'tensorflow-gpu', string> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

export function installHint(backend: 'tensorflow' | 'tensorflow-gpu'): string {
  return `backend '${backend}' is not installed: run \`npm install ${NATIVE_BACKEND_PACKAGES[backend]}@4.22.0\` (it downloads libtensorflow${backend === 'tensorflow-gpu' ? ' and needs CUDA' : ''}), or use --backend wasm`;
}
