import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/**
 * Calls a kernel registered for the wasm backend directly (no autodiff, no
 * engine bookkeeping): the building block of our composite training kernels.
 */
export function runWasmKernel(
  name: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
  backend: unknown,
): TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`wasm kernel ${name} is not registered`);
  const out = config.kernelFunc({ inputs, attrs, backend: backend as object });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs`);
  return out as TensorInfo;
}

/** Frees intermediate results of a composite kernel. */
export function disposeIntermediates(backend: unknown, ...infos: TensorInfo[]): void {
  for (const info of infos) (backend as KernelBackend).disposeData(info.dataId);
}

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}
