import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediates, runWasmKernel, swapLastTwo } from './wasm-kernel-calls.js';

/**
 * BatchMatMul / _FusedMatMul for wasm with transposed operands. Stock wasm
 * only sends the non-transposed case to XNNPACK and runs a naive loop
 * otherwise, which is every dense backward pass (dX = dY W^T, dW = X^T dY).
 * We transpose the operand explicitly with the backend's Transpose kernel and
 * call the original kernel on the fast path.
 */
export function transposeFreeMatMul(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const a = inputs['a'] as TensorInfo;
    const b = inputs['b'] as TensorInfo;
    const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const made: TensorInfo[] = [];
    const plain = (x: TensorInfo, transpose: boolean | undefined): TensorInfo => {
      if (!transpose) return x;
      const t = runWasmKernel('Transpose', { x }, { perm: swapLastTwo(x.shape.length) }, backend);
      made.push(t);
      return t;
    };
    try {
      const newAttrs: NamedAttrMap = { ...attrs, transposeA: false, transposeB: false };
      return original.kernelFunc({ inputs: { ...inputs, a: plain(a, transposeA), b: plain(b, transposeB) }, backend, attrs: newAttrs });
    } finally {
      disposeIntermediates(backend, ...made);
    }
  };
  return { ...original, kernelFunc };
}
