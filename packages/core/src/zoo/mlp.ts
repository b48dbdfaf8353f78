import type { MaskedNetwork } from '../layers/masked-network.js';
import type { HeadDescriptor } from '../layers/model-descriptor.js';
import {
  batchNormLayerOptions,
  bool,
  checkKnownKeys,
  headsSpec,
  positiveIntegers,
  rate,
  resolveBatchNorm,
  resolveCommon,
  toJson,
  type BatchNormModelOptions,
  type CommonModelOptions,
} from './model-options.js';
import { construct, denseBnRelu, type ZooEntry } from './zoo-entry.js';

/** Options of the `mlp` model. */
export interface MlpOptions extends CommonModelOptions, BatchNormModelOptions {
  /** Hidden layer widths. Default [400, 400] (784-400-400 on MNIST-sized inputs). */
  readonly hiddenSizes?: readonly number[];
  /** Dropout after each hidden layer. Default 0. */
  readonly dropout?: number;
  /** Biases on every dense layer and head. Default true. */
  readonly bias?: boolean;
}

function createMlp(options: MlpOptions, heads?: readonly HeadDescriptor[]): MaskedNetwork {
  checkKnownKeys('mlp', options, ['hiddenSizes', 'dropout', 'bias'], true);
  const resolved = resolveCommon('mlp', options);
  const { common } = resolved;
  const hiddenSizes = positiveIntegers('mlp.hiddenSizes', options.hiddenSizes ?? [400, 400], true);
  const dropout = rate('mlp.dropout', options.dropout ?? 0);
  const bias = bool('mlp.bias', options.bias ?? true);
  const batchNorm = resolveBatchNorm('mlp', options, 'none');
  const bn = batchNormLayerOptions(batchNorm);
  return construct(
    common,
    (b) => {
      if (common.inputShape.length > 1) b.flatten('flatten');
      hiddenSizes.forEach((units, i) => {
        denseBnRelu(b, `dense${i + 1}`, `bn${i + 1}`, units, bias, bn);
        b.dropout(`dropout${i + 1}`, dropout);
      });
    },
    headsSpec(common, heads ?? resolved.heads, bias),
    { zoo: 'mlp', options: toJson({ ...common, hiddenSizes, dropout, bias, ...batchNorm }) },
  );
}

/** `mlp`: input flattened, hidden dense + relu layers, heads. */
export const mlpEntry: ZooEntry<MlpOptions> = {
  name: 'mlp',
  description: 'flatten - dense(h) relu for each hidden size (default 400, 400) - heads',
  source: 'the permuted/split MNIST MLPs of PackNet, WSN and Ada-QPacknet (widths vary by paper: set hiddenSizes)',
  create: createMlp,
};
