import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { NATIVE_ACTIVATIONS, type NativeBlasAddon } from '../native-blas/load-native-blas.js';
import { heapBuffer, heapOffset, type WasmHeapBackend } from './wasm-heap-view.js';


const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** How one product is laid out for the addon, or undefined when only the fallback can do it. */
interface GemmPlan {
  readonly outShape: number[];
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly strideA: number;
  readonly strideB: number;
}

/**
 * Plans C = op(A) op(B) for the addon: float32 operands of rank >= 2 whose batch
 * dimensions are equal or one side's are all 1 (broadcast with stride 0). Other
 * broadcasts (e.g. [3,1] x [1,4] batch shapes) and empty tensors return
 * undefined.
 */
export function planGemm(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): GemmPlan | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = a.shape[transposeA ? ra - 1 : ra - 2] ?? 0;
  const k = a.shape[transposeA ? ra - 2 : ra - 1] ?? 0;
  const n = b.shape[transposeB ? rb - 2 : rb - 1] ?? 0;
  if (m === 0 || n === 0 || k === 0 || b.shape[transposeB ? rb - 1 : rb - 2] !== k) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = product(outer);
  const batchA = product(outerA);
  const batchB = product(outerB);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;
  return {
    outShape: [...outer, m, n],
    batch,
    m,
    n,
    k,
    strideA: batchA === 1 ? 0 : m * k,
    strideB: batchB === 1 ? 0 : k * n,
  };
}

/** A fused bias the epilogue can add: one value, or one per output column (shape [..1, N]). */
function biasFits(bias: TensorInfo | undefined, n: number): boolean {
  if (bias === undefined) return true;
  if (bias.dtype !== 'float32') return false;
  const size = product(bias.shape);
  return size === 1 || (size === n && bias.shape.at(-1) === n);
}

/**
 * BatchMatMul / _FusedMatMul for wasm computed by the native BLAS addon on the
 * wasm heap (no copies; transposes are BLAS flags, not materialised). Cases the
 * addon does not cover (other dtypes or broadcasts, prelu, a threaded wasm heap,
 * which Node-API cannot pass) go to `fallback`, retain's wasm kernel.
 */
export function nativeMatMul(addon: NativeBlasAddon, fallback: KernelConfig): KernelConfig {
  const fused = fallback.kernelName === '_FusedMatMul';
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as unknown as WasmHeapBackend;
    const a = inputs['a'] as TensorInfo;
    const b = inputs['b'] as TensorInfo;
    const bias = inputs['bias'] as TensorInfo | undefined;
    const named = attrs as { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
    const ta = Boolean(named.transposeA);
    const tb = Boolean(named.transposeB);
    const activation = fused ? NATIVE_ACTIVATIONS[named.activation ?? 'linear'] : 0;
    const plan = planGemm(a, b, ta, tb);
    if (
      plan === undefined ||
      activation === undefined ||
      inputs['preluActivationWeights'] !== undefined ||
      !biasFits(bias, plan.n) ||
      heapBuffer(backend) === undefined
    ) {
      return fallback.kernelFunc(args);
    }
    const out = backend.makeOutput(plan.outShape, 'float32');
    const offset = (t: TensorInfo): number => heapOffset(backend, t);
    // makeOutput may have grown the wasm memory: read the heap's buffer after it.
    addon.gemm(
      heapBuffer(backend) as ArrayBuffer,
      offset(a),
      offset(b),
      offset(out),
      plan.batch,
      plan.m,
      plan.n,
      plan.k,
      ta ? 1 : 0,
      tb ? 1 : 0,
      plan.strideA,
      plan.strideB,
      bias === undefined ? -1 : offset(bias),
      bias === undefined ? 0 : product(bias.shape),
      activation,
      named.leakyreluAlpha ?? 0.2,
    );
    return out;
  };
  return { ...fallback, kernelFunc };
}
