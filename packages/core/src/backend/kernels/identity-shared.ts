import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's backend this kernel uses. */
interface WasmRefCounting {
  incRef(dataId: object): void;
}

/**
 * Identity for wasm that shares the input's memory (one more reference to it,
 * as the cpu backend does) instead of copying it: tfjs' tape keeps an Identity
 * of every tensor a gradient needs, 26 copies per training step of the
 * 784-400-400-10 MLP (~0.8 ms at batch 128). Tensors are immutable, so a
 * shared buffer is indistinguishable from a copy; the only in-place writer in
 * retain (applyAdam's native path) writes only memory with a single reference.
 * String tensors keep the stock kernel.
 */
export function sharedIdentity(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as unknown as WasmRefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...original, kernelFunc };
}
