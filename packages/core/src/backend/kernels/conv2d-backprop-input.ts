import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediates, runWasmKernel } from './wasm-kernel-calls.js';

type ConvPad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Conv2DBackpropInput for wasm, stride 1, as a forward convolution:
 *   dx = Conv2D(pad(dy, KH-1-top, KH-1-bottom, KW-1-left, KW-1-right),
 *               transpose(reverse(W, [0,1]), [0,1,3,2]), 'valid')
 * The stock kernel is a naive loop; strided cases (and paddings larger than
 * the kernel) keep using it.
 */
export function fastConv2DBackpropInput(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const dy = inputs['dy'] as TensorInfo;
    const filter = inputs['filter'] as TensorInfo;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as BackpropInputAttrs;
    const stridesPair = typeof strides === 'number' ? [strides, strides] : strides;
    if ((dataFormat !== undefined && dataFormat !== 'NHWC') || stridesPair[0] !== 1 || stridesPair[1] !== 1) {
      return original.kernelFunc(args);
    }
    const filterShape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, 1, 1, pad, dimRoundingMode);
    const [kh, kw] = filterShape;
    const { top, bottom, left, right } = info.padInfo;
    const paddings: [number, number][] = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    if (paddings.some(([a, b]) => a < 0 || b < 0)) return original.kernelFunc(args);
    const made: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => {
      made.push(t);
      return t;
    };
    try {
      const needsPad = paddings.some(([a, b]) => a !== 0 || b !== 0);
      const dyPadded = needsPad ? keep(runWasmKernel('PadV2', { x: dy }, { paddings, constantValue: 0 }, backend)) : dy;
      const reversed = keep(runWasmKernel('Reverse', { x: filter }, { dims: [0, 1] }, backend));
      const flipped = keep(runWasmKernel('Transpose', { x: reversed }, { perm: [0, 1, 3, 2] }, backend));
      return runWasmKernel(
        'Conv2D',
        { x: dyPadded, filter: flipped },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: 'floor' },
        backend,
      );
    } finally {
      disposeIntermediates(backend, ...made);
    }
  };
  return { ...original, kernelFunc };
}
