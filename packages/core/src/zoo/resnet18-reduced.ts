import { InvalidArgumentError } from '../errors/retain-error.js';
import { checkImageShape } from '../layers/conv-shapes.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import type { HeadDescriptor } from '../layers/model-descriptor.js';
import {
  batchNormLayerOptions,
  bool,
  checkKnownKeys,
  headsSpec,
  positiveInteger,
  resolveBatchNorm,
  resolveCommon,
  toJson,
  type BatchNormModelOptions,
  type CommonModelOptions,
} from './model-options.js';
import { construct, convBnRelu, type ZooEntry } from './zoo-entry.js';

/** How the last feature map becomes the heads' input. */
export type ResNetPooling = 'global' | 'avg2x2';

/** Options of the `resnet18-reduced` model. */
export interface ResNet18ReducedOptions extends CommonModelOptions, BatchNormModelOptions {
  /** Filters of the stem and first stage; stages use 1x, 2x, 4x, 8x. Default 20 (GPM's reduced ResNet-18). */
  readonly baseFilters?: number;
  /** Stride of the 3x3 stem convolution. Default 1 (GPM's 32x32 inputs; its miniImageNet runs use 2). */
  readonly stemStride?: number;
  /**
   * 'global' (default): global average pool, 8 x baseFilters features.
   * 'avg2x2': GPM's avg_pool2d(out, 2) then flatten (4 x 8 x baseFilters features on 32x32 inputs).
   */
  readonly pooling?: ResNetPooling;
  /** Biases on convolutions and heads. Default false (GPM). */
  readonly bias?: boolean;
}

function createResNet18Reduced(options: ResNet18ReducedOptions, heads?: readonly HeadDescriptor[]): MaskedNetwork {
  checkKnownKeys('resnet18-reduced', options, ['baseFilters', 'stemStride', 'pooling', 'bias'], true);
  const resolved = resolveCommon('resnet18-reduced', options);
  const { common } = resolved;
  checkImageShape('resnet18-reduced.inputShape', common.inputShape);
  const baseFilters = positiveInteger('resnet18-reduced.baseFilters', options.baseFilters ?? 20);
  const stemStride = positiveInteger('resnet18-reduced.stemStride', options.stemStride ?? 1);
  const pooling = options.pooling ?? 'global';
  if (pooling !== 'global' && pooling !== 'avg2x2') throw new InvalidArgumentError('resnet18-reduced.pooling', pooling, "'global' or 'avg2x2'");
  const bias = bool('resnet18-reduced.bias', options.bias ?? false);
  const batchNorm = resolveBatchNorm('resnet18-reduced', options, 'per-task');
  const bn = batchNormLayerOptions(batchNorm);
  return construct(
    common,
    (b) => {
      convBnRelu(b, 'stem/conv', 'stem/bn', { filters: baseFilters, kernelSize: 3, stride: stemStride, padding: 1, useBias: bias }, bn);
      for (let stage = 0; stage < 4; stage++) {
        const filters = baseFilters * 2 ** stage;
        for (let block = 0; block < 2; block++) {
          const stride = stage > 0 && block === 0 ? 2 : 1;
          b.residualBlock(`stage${stage + 1}/block${block}`, { filters, stride, batchNorm: bn, useBias: bias });
        }
      }
      if (pooling === 'global') b.globalAveragePool('pool');
      else {
        b.avgPool('pool', 2);
        b.flatten('flatten');
      }
    },
    headsSpec(common, heads ?? resolved.heads, bias),
    { zoo: 'resnet18-reduced', options: toJson({ ...common, baseFilters, stemStride, pooling, bias, ...batchNorm }) },
  );
}

/** `resnet18-reduced`: GPM's ResNet-18 with 20 base filters. */
export const resNet18ReducedEntry: ZooEntry<ResNet18ReducedOptions> = {
  name: 'resnet18-reduced',
  description:
    '3x3 conv stem (20 filters) - bn - relu; 4 stages x 2 BasicBlocks (20, 40, 80, 160 filters, strides 1, 2, 2, 2, 1x1 conv shortcuts); global average pool - heads',
  source:
    'Saha et al. 2021 (GPM) reduced ResNet-18 for 5-datasets / miniImageNet (nf = 20, bias-free convolutions and heads), from Lopez-Paz and Ranzato 2017 (GEM); per-task batch norm is ours',
  create: createResNet18Reduced,
};
