import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediates, runWasmKernel, swapLastTwo } from './wasm-kernel-calls.js';

const size = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1);

/** Elements of the output C = op(A) op(B) (batch dims broadcast). */
function outputSize(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number {
  const r = a.shape.length;
  const m = a.shape[transposeA ? r - 1 : r - 2] ?? 1;
  const n = b.shape[transposeB ? b.shape.length - 2 : b.shape.length - 1] ?? 1;
  const batch = Math.max(size(a) / ((a.shape[r - 1] ?? 1) * (a.shape[r - 2] ?? 1)), size(b) / ((b.shape.at(-1) ?? 1) * (b.shape.at(-2) ?? 1)));
  return batch * m * n;
}

/**
 * BatchMatMul / _FusedMatMul for wasm with transposed operands. Stock wasm
 * only sends the non-transposed case to XNNPACK and runs a naive loop
 * otherwise, which is every dense backward pass (dX = dY W^T, dW = X^T dY).
 * We make every operand plain with the backend's Transpose kernel and call
 * the original kernel on the fast path, choosing the cheaper of two
 * identities by the number of elements moved:
 *   A B^T = transpose(B A^T)   (transpose A and the output instead of B)
 *   A^T B = transpose(B^T A)   (transpose B and the output instead of A)
 *   A^T B^T = transpose(B A)   (transpose only the output)
 * For dX = dY W^T the first avoids transposing the whole weight matrix every
 * step. Fused matmuls (bias / activation on the output) only use the direct form.
 */
export function transposeFreeMatMul(original: KernelConfig): KernelConfig {
  const fused = original.kernelName === '_FusedMatMul';
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const a = inputs['a'] as TensorInfo;
    const b = inputs['b'] as TensorInfo;
    const ta = Boolean((attrs as { transposeA?: boolean }).transposeA);
    const tb = Boolean((attrs as { transposeB?: boolean }).transposeB);
    if (!ta && !tb) return original.kernelFunc({ inputs, backend, attrs });
    const made: TensorInfo[] = [];
    const transpose = (x: TensorInfo): TensorInfo => {
      const t = runWasmKernel('Transpose', { x }, { perm: swapLastTwo(x.shape.length) }, backend);
      made.push(t);
      return t;
    };
    const plainAttrs: NamedAttrMap = { ...attrs, transposeA: false, transposeB: false };
    const matmul = (x: TensorInfo, y: TensorInfo): TensorInfo =>
      original.kernelFunc({ inputs: { ...inputs, a: x, b: y }, backend, attrs: plainAttrs }) as TensorInfo;
    try {
      const out = outputSize(a, b, ta, tb);
      const direct = (ta ? size(a) : 0) + (tb ? size(b) : 0);
      const swapped = out + (ta && tb ? 0 : ta ? size(b) : size(a));
      if (fused || direct <= swapped) return matmul(ta ? transpose(a) : a, tb ? transpose(b) : b);
      // Swapped form: C^T = op(B)^T op(A)^T, computed plainly, then transposed once.
      const left = ta && tb ? b : ta ? transpose(b) : b;
      const right = ta && tb ? a : ta ? a : transpose(a);
      const product = matmul(left, right);
      made.push(product);
      return runWasmKernel('Transpose', { x: product }, { perm: swapLastTwo(product.shape.length) }, backend);
    } finally {
      disposeIntermediates(backend, ...made);
    }
  };
  return { ...original, kernelFunc };
}
