import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { NATIVE_ACTIVATIONS, NATIVE_CONV_KINDS, type NativeBlasAddon } from '../native-blas/load-native-blas.js';
import { heapBuffer, heapOffset, type WasmHeapBackend } from './wasm-heap-view.js';


type ConvPad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: Shape4;
  inputShape?: Shape4;
  activation?: string;
  leakyreluAlpha?: number;
}

/** The addon's 15 convolution dimensions (see native/conv.cc), from tfjs' conv info. */
export function convDims(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.outChannels,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.outHeight,
    info.outWidth,
  ]);
}

const size = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1);

/** Which convolution a kernel computes, and from which inputs. */
type ConvRole = 'forward' | 'backpropFilter' | 'backpropInput';

const ROLES: Readonly<Record<string, ConvRole>> = {
  Conv2D: 'forward',
  FusedConv2D: 'forward',
  Conv2DBackpropFilter: 'backpropFilter',
  Conv2DBackpropInput: 'backpropInput',
};

/** The kernels {@link nativeConv2D} serves. */
export const NATIVE_CONV_KERNELS = Object.keys(ROLES);

/**
 * Conv2D / FusedConv2D / Conv2DBackpropFilter / Conv2DBackpropInput for wasm
 * computed by the native BLAS addon as im2col + GEMM on the wasm heap (NHWC,
 * float32, any stride, padding and forward dilation; fused bias + linear /
 * relu / relu6 / sigmoid / leakyrelu). Other cases (NCHW, prelu, a bias that
 * is not per channel, a threaded wasm heap) go to `fallback`.
 */
export function nativeConv2D(addon: NativeBlasAddon, fallback: KernelConfig): KernelConfig {
  const role = ROLES[fallback.kernelName];
  if (role === undefined) throw new Error(`nativeConv2D: ${fallback.kernelName} is not a convolution kernel`);
  const kernelFunc: KernelFunc = (args) => {
    const { inputs } = args;
    const attrs = args.attrs as unknown as ConvAttrs;
    const backend = args.backend as unknown as WasmHeapBackend;
    const first = (role === 'backpropInput' ? inputs['dy'] : inputs['x']) as TensorInfo;
    const second = (role === 'backpropFilter' ? inputs['dy'] : inputs['filter']) as TensorInfo;
    const bias = inputs['bias'] as TensorInfo | undefined;
    const activation = NATIVE_ACTIVATIONS[attrs.activation ?? 'linear'];
    const xShape = (role === 'backpropInput' ? attrs.inputShape : first.shape) as Shape4 | undefined;
    const filterShape = (role === 'backpropFilter' ? attrs.filterShape : second.shape) as Shape4 | undefined;
    if (
      (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') ||
      first.dtype !== 'float32' ||
      second.dtype !== 'float32' ||
      xShape?.length !== 4 ||
      filterShape?.length !== 4 ||
      activation === undefined ||
      inputs['preluActivationWeights'] !== undefined ||
      (bias !== undefined && (bias.dtype !== 'float32' || (size(bias) !== 1 && (size(bias) !== filterShape[3] || bias.shape.at(-1) !== filterShape[3])))) ||
      heapBuffer(backend) === undefined
    ) {
      return fallback.kernelFunc(args);
    }
    const dilations = role === 'forward' ? (attrs.dilations ?? 1) : 1;
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    if (info.batchSize * info.outHeight * info.outWidth * info.outChannels === 0 || size(first) === 0 || size(second) === 0) {
      return fallback.kernelFunc(args);
    }
    const outShape = role === 'forward' ? info.outShape : role === 'backpropFilter' ? filterShape : xShape;
    const out = backend.makeOutput([...outShape], 'float32');
    const offset = (t: TensorInfo): number => heapOffset(backend, t);
    // makeOutput may have grown the wasm memory: read the heap's buffer after it.
    addon.conv(
      heapBuffer(backend) as ArrayBuffer,
      NATIVE_CONV_KINDS[role],
      offset(first),
      offset(second),
      offset(out),
      convDims(info),
      bias === undefined ? -1 : offset(bias),
      bias === undefined ? 0 : size(bias),
      activation,
      attrs.leakyreluAlpha ?? 0.2,
    );
    return out;
  };
  return { ...fallback, kernelFunc };
}
