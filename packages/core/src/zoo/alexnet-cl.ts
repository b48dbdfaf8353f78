import { InvalidArgumentError } from '../errors/retain-error.js';
import { checkImageShape } from '../layers/conv-shapes.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import type { HeadDescriptor } from '../layers/model-descriptor.js';
import {
  batchNormLayerOptions,
  bool,
  checkKnownKeys,
  headsSpec,
  rate,
  resolveBatchNorm,
  resolveCommon,
  toJson,
  type BatchNormModelOptions,
  type CommonModelOptions,
} from './model-options.js';
import { construct, convBnRelu, denseBnRelu, type ZooEntry } from './zoo-entry.js';

/** Options of the `alexnet-cl` model. */
export interface AlexNetClOptions extends CommonModelOptions, BatchNormModelOptions {
  /**
   * Dropout rates [after conv1 and conv2, after conv3 and each fc]. Default
   * [0.2, 0.5] (HAT's and WSN's AlexNet; GPM uses 0 with batch norm).
   */
  readonly dropout?: readonly [number, number];
  /** Biases on convolutions, fc layers and heads. Default false (WSN, GPM; HAT has biases). */
  readonly bias?: boolean;
}

function createAlexNetCl(options: AlexNetClOptions, heads?: readonly HeadDescriptor[]): MaskedNetwork {
  checkKnownKeys('alexnet-cl', options, ['dropout', 'bias'], true);
  const resolved = resolveCommon('alexnet-cl', options);
  const { common } = resolved;
  checkImageShape('alexnet-cl.inputShape', common.inputShape);
  const rates = options.dropout ?? [0.2, 0.5];
  if (!Array.isArray(rates) || rates.length !== 2) throw new InvalidArgumentError('alexnet-cl.dropout', rates, 'two rates [conv, fc]');
  const dropout: [number, number] = [rate('alexnet-cl.dropout[0]', rates[0]), rate('alexnet-cl.dropout[1]', rates[1])];
  const bias = bool('alexnet-cl.bias', options.bias ?? false);
  const batchNorm = resolveBatchNorm('alexnet-cl', options, 'none');
  const bn = batchNormLayerOptions(batchNorm);
  return construct(
    common,
    (b) => {
      const convs = [
        { filters: 64, kernelSize: 4, drop: dropout[0] },
        { filters: 128, kernelSize: 3, drop: dropout[0] },
        { filters: 256, kernelSize: 2, drop: dropout[1] },
      ];
      convs.forEach(({ filters, kernelSize, drop }, i) => {
        convBnRelu(b, `conv${i + 1}`, `bn${i + 1}`, { filters, kernelSize, padding: 'valid', useBias: bias }, bn);
        b.dropout(`dropout${i + 1}`, drop);
        b.maxPool(`pool${i + 1}`, 2);
      });
      b.flatten('flatten');
      denseBnRelu(b, 'fc1', 'bn4', 2048, bias, bn);
      b.dropout('dropout4', dropout[1]);
      denseBnRelu(b, 'fc2', 'bn5', 2048, bias, bn);
      b.dropout('dropout5', dropout[1]);
    },
    headsSpec(common, heads ?? resolved.heads, bias),
    { zoo: 'alexnet-cl', options: toJson({ ...common, dropout, bias, ...batchNorm }) },
  );
}

/** `alexnet-cl`: the AlexNet-like CNN of HAT / GPM / WSN for split CIFAR-100. */
export const alexNetClEntry: ZooEntry<AlexNetClOptions> = {
  name: 'alexnet-cl',
  description:
    "conv 64 k4, conv 128 k3, conv 256 k2 ('valid'), each relu - dropout - maxpool2; fc 2048 - fc 2048 (relu, dropout) - heads",
  source:
    'Serra et al. 2018 (HAT) AlexNet-like net for 32x32 inputs, as used by Saha et al. 2021 (GPM) and Kang et al. 2022 (WSN); ' +
    'dropout 0.2/0.5 and no biases or batch norm follow WSN (GPM adds batch norm: batchNorm option)',
  create: createAlexNetCl,
};
