import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediates, runWasmKernel } from './wasm-kernel-calls.js';

type ConvPad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter for wasm (stock wasm has none). For NHWC, dilation 1:
 *   dW[kh,kw,ci,co] = sum_{b,oh,ow} xpad[b, kh + s*oh, kw + s*ow, ci] * dy[b,oh,ow,co]
 * which is itself a forward convolution with channels and batch swapped:
 * input transpose(xpad, [3,1,2,0]) (Ci x Hp x Wp x B), filter
 * transpose(dy, [1,2,0,3]) (OH x OW x B x Co), stride 1, dilation = the
 * forward stride, 'valid'; then slice to [Ci,KH,KW,Co] and transpose to
 * [KH,KW,Ci,Co]. Every step is a backend kernel, so the heavy part runs in XNNPACK.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as TensorInfo;
  const dy = inputs['dy'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter on wasm supports only NHWC, got ${dataFormat}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw, ci, co] = filterShape;
  const made: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => {
    made.push(t);
    return t;
  };
  try {
    let padded = x;
    if (top !== 0 || bottom !== 0 || left !== 0 || right !== 0) {
      padded = keep(
        runWasmKernel('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }, backend),
      );
    }
    const xT = keep(runWasmKernel('Transpose', { x: padded }, { perm: [3, 1, 2, 0] }, backend));
    const dyT = keep(runWasmKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend));
    const conv = keep(
      runWasmKernel(
        'Conv2D',
        { x: xT, filter: dyT },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth], dimRoundingMode: 'floor' },
        backend,
      ),
    );
    let sliced = conv;
    if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
      sliced = keep(runWasmKernel('Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }, backend));
    }
    return runWasmKernel('Transpose', { x: sliced }, { perm: [1, 2, 0, 3] }, backend);
  } finally {
    disposeIntermediates(backend, ...made);
  }
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
