import { checkImageShape } from '../layers/conv-shapes.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import type { HeadDescriptor } from '../layers/model-descriptor.js';
import {
  batchNormLayerOptions,
  bool,
  checkKnownKeys,
  headsSpec,
  positiveInteger,
  positiveIntegers,
  rate,
  resolveBatchNorm,
  resolveCommon,
  toJson,
  type BatchNormModelOptions,
  type CommonModelOptions,
} from './model-options.js';
import { construct, convBnRelu, denseBnRelu, type ZooEntry } from './zoo-entry.js';

/** Options of the `tinynet` model. */
export interface TinyNetOptions extends CommonModelOptions, BatchNormModelOptions {
  /** Channels of each of the 4 convolutions. Default 160. */
  readonly channels?: number;
  /** Widths of the fc layers. Default [640, 640]. */
  readonly hiddenSizes?: readonly number[];
  /** Biases on the convolutions. Default false (Ada-QPacknet, WSN). */
  readonly convBias?: boolean;
  /** Biases on the fc layers and heads. Default true (Ada-QPacknet; WSN has none). */
  readonly denseBias?: boolean;
  /** Dropout after the convolutions and after the first fc layer. Default 0 (both sources). */
  readonly dropout?: number;
}

function createTinyNet(options: TinyNetOptions, heads?: readonly HeadDescriptor[]): MaskedNetwork {
  checkKnownKeys('tinynet', options, ['channels', 'hiddenSizes', 'convBias', 'denseBias', 'dropout'], true);
  const resolved = resolveCommon('tinynet', options);
  const { common } = resolved;
  checkImageShape('tinynet.inputShape', common.inputShape);
  const channels = positiveInteger('tinynet.channels', options.channels ?? 160);
  const hiddenSizes = positiveIntegers('tinynet.hiddenSizes', options.hiddenSizes ?? [640, 640], true);
  const convBias = bool('tinynet.convBias', options.convBias ?? false);
  const denseBias = bool('tinynet.denseBias', options.denseBias ?? true);
  const dropout = rate('tinynet.dropout', options.dropout ?? 0);
  const batchNorm = resolveBatchNorm('tinynet', options, 'none');
  const bn = batchNormLayerOptions(batchNorm);
  return construct(
    common,
    (b) => {
      for (let i = 1; i <= 4; i++) {
        convBnRelu(b, `conv${i}`, `bn${i}`, { filters: channels, kernelSize: 3, stride: 2, padding: 1, useBias: convBias }, bn);
      }
      b.dropout('dropout1', dropout);
      b.flatten('flatten');
      hiddenSizes.forEach((units, i) => {
        denseBnRelu(b, `fc${i + 1}`, `bn${i + 5}`, units, denseBias, bn);
        if (i === 0) b.dropout('dropout2', dropout);
      });
    },
    headsSpec(common, heads ?? resolved.heads, denseBias),
    { zoo: 'tinynet', options: toJson({ ...common, channels, hiddenSizes, convBias, denseBias, dropout, ...batchNorm }) },
  );
}

/** `tinynet`: Ada-QPacknet's (and WSN's) TinyImageNet network. */
export const tinyNetEntry: ZooEntry<TinyNetOptions> = {
  name: 'tinynet',
  description: '4 x (conv 3x3, 160 channels, stride 2, padding 1, relu); fc 2560 (at 64x64x3) - 640 - 640 (relu) - heads',
  source:
    'Pietron et al. 2023 (Ada-QPacknet) TinyNet, as in the authors\u2019 networks.py and Kang et al. 2022 (WSN) tinynet.py; ' +
    'bias pattern (bias-free convolutions, biased fc layers) follows Ada-QPacknet; batch norm optional there and off here by default',
  create: createTinyNet,
};
