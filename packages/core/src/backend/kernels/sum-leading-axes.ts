import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediates, runWasmKernel } from './wasm-kernel-calls.js';

/** The part of tfjs-backend-wasm's backend we use: views of tensors in the wasm heap. */
interface WasmHeapBackend {
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** Whether `axes` (possibly negative) are exactly 0..rank-2: every axis but the last. */
function isLeadingAxes(axis: number | number[], rank: number): boolean {
  if (rank < 2) return false;
  const axes = tf.util.parseAxisParam(axis, new Array<number>(rank).fill(1));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  return sorted.length === rank - 1 && sorted.every((a, i) => a === i);
}

/** Below this many elements the stock kernel's transpose is cheap: keep it. */
const MIN_FAST_SIZE = 1 << 16;

/**
 * Sum for wasm with a fast path for reducing every axis but the last of a
 * large float32 tensor (the bias gradient of an NHWC convolution: dy summed
 * over batch and pixels). The stock kernel transposes the whole input first
 * so that the reduced axes are innermost (~10-15 ms for a [128,26,26,32]
 * gradient). Here XNNPACK's average pooling does it without a transpose
 * (~1 ms): [N,H,W,C] pooled over HxW gives [N,1,1,C], viewed as [1,N,1,C]
 * pooled over N gives the mean; other ranks are viewed as [1,P,1,C] and pooled
 * once. The mean times P is the sum (float32 throughout, as the stock kernel).
 * Other reductions, small tensors and int32 use the stock kernel.
 */
export function leadingAxesSum(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs['x'] as TensorInfo;
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const channels = x.shape[rank - 1] ?? 0;
    const size = x.shape.reduce((a, b) => a * b, 1);
    if (x.dtype !== 'float32' || size < MIN_FAST_SIZE || !isLeadingAxes(axis, rank)) return original.kernelFunc(args);
    const rows = size / channels;
    const made: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => {
      made.push(t);
      return t;
    };
    const pool = (t: TensorInfo, h: number, w: number): TensorInfo =>
      keep(runWasmKernel('AvgPool', { x: t }, { filterSize: [h, w], strides: [h, w], pad: 'valid', dimRoundingMode: 'floor' }, backend));
    try {
      let mean: TensorInfo;
      if (rank === 4) {
        const [n, h, w] = x.shape as [number, number, number, number];
        const perImage = pool(x, h, w);
        const images = keep(runWasmKernel('Reshape', { x: perImage }, { shape: [1, n, 1, channels] }, backend));
        mean = pool(images, n, 1);
      } else {
        const column = keep(runWasmKernel('Reshape', { x }, { shape: [1, rows, 1, channels] }, backend));
        mean = pool(column, rows, 1);
      }
      // The pooled tensor is ours alone (a fresh output): scale it in place.
      const values = (backend as unknown as WasmHeapBackend).typedArrayFromHeap(mean);
      for (let c = 0; c < values.length; c++) values[c] = (values[c] as number) * rows;
      const outShape = keepDims ? [...new Array<number>(rank - 1).fill(1), channels] : [channels];
      return runWasmKernel('Reshape', { x: mean }, { shape: outShape }, backend);
    } finally {
      disposeIntermediates(backend, ...made);
    }
  };
  return { ...original, kernelFunc };
}
