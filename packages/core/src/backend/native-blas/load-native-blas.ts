import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions of the retain-blas addon (packages/core/native/*.cc: retain-blas.cc is the module, gemm.cc, conv.cc, adam.cc the functions). */
export interface NativeBlasAddon {
  /**
   * C = act(op(A) op(B) + bias) for `batch` matrices inside `heap` (byte offsets;
   * strides in elements, 0 broadcasts; offBias < 0: no bias; activation codes
   * in {@link NATIVE_ACTIVATIONS}).
   */
  gemm(
    heap: ArrayBuffer,
    offA: number,
    offB: number,
    offC: number,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    strideA: number,
    strideB: number,
    offBias: number,
    biasSize: number,
    activation: number,
    alpha: number,
  ): void;
  /**
   * NHWC convolution as im2col + GEMM inside `heap`: kind 0 forward (x, filter -> y,
   * optional bias/activation), 1 backprop filter (x, dy -> dW), 2 backprop input
   * (dy, filter -> dx). `dims`: B, H, W, Cin, KH, KW, Cout, strideH, strideW,
   * dilationH, dilationW, padTop, padLeft, OH, OW.
   */
  conv(
    heap: ArrayBuffer,
    kind: number,
    offFirst: number,
    offSecond: number,
    offOut: number,
    dims: Int32Array,
    offBias: number,
    biasSize: number,
    activation: number,
    alpha: number,
  ): void;
  /**
   * One fused Adam step over `n` float32 values in `heap`. offsets (bytes): value,
   * first moment, second moment, gradient, mask (-1: none), new value, new
   * first moment, new second moment; hyper: lr, beta1, beta2, epsilon,
   * 1 - beta1^t, 1 - beta2^t.
   */
  adam(heap: ArrayBuffer, offsets: Float64Array, n: number, hyper: Float64Array): void;
  /** Sets the BLAS's thread count (OpenBLAS, MKL, BLIS; ignored by others). */
  setThreads(threads: number): void;
  /** The BLAS in use: its library name, build string (OpenBLAS) and threads (-1: unknown). */
  info(): { library: string; config: string; threads: number };
}

/** Activation codes of the addon's epilogue, by tfjs' fused activation name. */
export const NATIVE_ACTIVATIONS: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, leakyrelu: 4 };

/** The addon's convolution kinds. */
export const NATIVE_CONV_KINDS = { forward: 0, backpropFilter: 1, backpropInput: 2 } as const;

/** The addon, or why it is not available here. */
export type NativeBlasLoad = { readonly addon: NativeBlasAddon; readonly path: string } | { readonly reason: string };

/** Where scripts/build-native.mjs writes the addon (same depth from src/ and dist/). */
export const NATIVE_BLAS_ADDON_PATH = fileURLToPath(new URL('../../../native/build/retain-blas.node', import.meta.url));

let cached: NativeBlasLoad | undefined;

/**
 * Loads the optional native BLAS addon once per process. Never throws: a
 * missing build (no C++ compiler or Node headers at install time) or a
 * machine without an optimised BLAS gives `{ reason }`, one line saying why.
 */
export function loadNativeBlas(): NativeBlasLoad {
  if (cached !== undefined) return cached;
  if (typeof process === 'undefined' || process.versions?.node === undefined) {
    cached = { reason: 'native BLAS kernels need Node.js' };
  } else if (!existsSync(NATIVE_BLAS_ADDON_PATH)) {
    cached = {
      reason: `${NATIVE_BLAS_ADDON_PATH} is not built (needs a C++ compiler and Node's headers at install time; \`npm run build:native -w @retain/core\` says what is missing)`,
    };
  } else {
    try {
      const addon = createRequire(import.meta.url)(NATIVE_BLAS_ADDON_PATH) as NativeBlasAddon;
      cached = { addon, path: NATIVE_BLAS_ADDON_PATH };
    } catch (error) {
      cached = { reason: `the native BLAS addon did not load: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return cached;
}
