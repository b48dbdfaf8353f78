import { checkImageShape } from '../layers/conv-shapes.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import type { HeadDescriptor } from '../layers/model-descriptor.js';
import {
  batchNormLayerOptions,
  bool,
  checkKnownKeys,
  headsSpec,
  positiveInteger,
  rate,
  resolveBatchNorm,
  resolveCommon,
  toJson,
  type BatchNormModelOptions,
  type CommonModelOptions,
} from './model-options.js';
import { construct, convBnRelu, denseBnRelu, type ZooEntry } from './zoo-entry.js';

/** Options of the `cnn-small` model. */
export interface CnnSmallOptions extends CommonModelOptions, BatchNormModelOptions {
  /** Width of the dense layer. Default 128. */
  readonly denseUnits?: number;
  /** Dropout before the heads. Default 0. */
  readonly dropout?: number;
  /** Biases on every convolution, dense layer and head. Default true. */
  readonly bias?: boolean;
}

function createCnnSmall(options: CnnSmallOptions, heads?: readonly HeadDescriptor[]): MaskedNetwork {
  checkKnownKeys('cnn-small', options, ['denseUnits', 'dropout', 'bias'], true);
  const resolved = resolveCommon('cnn-small', options);
  const { common } = resolved;
  checkImageShape('cnn-small.inputShape', common.inputShape);
  const denseUnits = positiveInteger('cnn-small.denseUnits', options.denseUnits ?? 128);
  const dropout = rate('cnn-small.dropout', options.dropout ?? 0);
  const bias = bool('cnn-small.bias', options.bias ?? true);
  const batchNorm = resolveBatchNorm('cnn-small', options, 'none');
  const bn = batchNormLayerOptions(batchNorm);
  return construct(
    common,
    (b) => {
      convBnRelu(b, 'conv1', 'bn1', { filters: 32, kernelSize: 3, padding: 'valid', useBias: bias }, bn);
      b.maxPool('pool1', 2);
      convBnRelu(b, 'conv2', 'bn2', { filters: 64, kernelSize: 3, padding: 'valid', useBias: bias }, bn);
      b.maxPool('pool2', 2);
      b.flatten('flatten');
      denseBnRelu(b, 'dense1', 'bn3', denseUnits, bias, bn);
      b.dropout('dropout1', dropout);
    },
    headsSpec(common, heads ?? resolved.heads, bias),
    { zoo: 'cnn-small', options: toJson({ ...common, denseUnits, dropout, bias, ...batchNorm }) },
  );
}

/** `cnn-small`: the small CNN of the wasm training benchmarks. */
export const cnnSmallEntry: ZooEntry<CnnSmallOptions> = {
  name: 'cnn-small',
  description: "conv3x3x32 relu - maxpool2 - conv3x3x64 relu - maxpool2 - dense 128 relu - heads ('valid' convolutions)",
  source: "retain's Fashion-MNIST wasm training benchmark CNN ('valid' padding: 2.63 M multiply-adds per 28x28 forward pass)",
  create: createCnnSmall,
};
