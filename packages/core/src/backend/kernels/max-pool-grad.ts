import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's backend we use: views of tensors in the wasm heap. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * MaxPoolGrad for wasm as one pass over the wasm heap. The stock kernel
 * rescans every window per gradient element and was ~30% of a small CNN's
 * training step. Here each window's first maximum (strict `>`, row-major
 * window order, as the cpu backend and TensorFlow pick it) receives its dy;
 * channels are the inner loop, so memory is read in order (NHWC).
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmHeapBackend;
  const dyInfo = inputs['dy'] as TensorInfo;
  const xInfo = inputs['input'] as TensorInfo;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    xInfo.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  // Allocate first: growing the heap invalidates earlier views.
  const dxInfo = wasm.makeOutput([...xInfo.shape], 'float32');
  const dx = wasm.typedArrayFromHeap(dxInfo);
  const x = wasm.typedArrayFromHeap(xInfo);
  const dy = wasm.typedArrayFromHeap(dyInfo);
  dx.fill(0);
  const best = new Float32Array(channels);
  const bestAt = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - top;
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - left;
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let kh = 0; kh < fh; kh++) {
          const h = h0 + kh;
          if (h < 0 || h >= inHeight) continue;
          for (let kw = 0; kw < fw; kw++) {
            const w = w0 + kw;
            if (w < 0 || w >= inWidth) continue;
            const base = ((b * inHeight + h) * inWidth + w) * channels;
            for (let c = 0; c < channels; c++) {
              // Branch-free select: the comparison is unpredictable on real activations.
              const v = x[base + c] as number;
              const current = best[c] as number;
              const greater = v > current;
              best[c] = greater ? v : current;
              bestAt[c] = greater ? base + c : (bestAt[c] as number);
            }
          }
        }
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const at = bestAt[c] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[dyBase + c] as number);
        }
      }
    }
  }
  return dxInfo;
};

/** Replaces the stock wasm MaxPoolGrad, keeping its setup (harmless) for idempotent re-registration. */
export function fastMaxPoolGrad(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: maxPoolGrad };
}
