import type { BatchNormOptions } from '../layers/batch-norm.js';
import type { Conv2dOptions } from '../layers/conv2d.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import type { HeadDescriptor, JsonValue } from '../layers/model-descriptor.js';
import { NetworkBuilder, type HeadsSpec } from '../layers/network-builder.js';
import type { InitScheme } from '../layers/parameter-factory.js';
import type { CommonModelOptions } from './model-options.js';

/** One model of the zoo. */
export interface ZooEntry<O extends CommonModelOptions> {
  readonly name: string;
  /** One line: the architecture. */
  readonly description: string;
  /** Where the architecture comes from. */
  readonly source: string;
  /**
   * Builds the model. `heads` (from a descriptor) replaces the heads that
   * classesPerTask / numClasses describe.
   */
  create(options: O, heads?: readonly HeadDescriptor[]): MaskedNetwork;
}

/**
 * Runs `body` on a fresh builder and builds the network; if anything throws,
 * the variables created so far are disposed before the error propagates.
 */
export function construct(
  setup: { inputShape: readonly number[]; seed: number; init: InitScheme },
  body: (builder: NetworkBuilder) => void,
  heads: HeadsSpec,
  architecture: { zoo: string; options: { [key: string]: JsonValue } },
): MaskedNetwork {
  const builder = new NetworkBuilder(setup.inputShape, setup.seed, setup.init);
  try {
    body(builder);
  } catch (error) {
    builder.abandon();
    throw error;
  }
  return builder.build(heads, architecture);
}

/** conv -> relu, or conv -> batch norm -> relu (relu fused into the convolution when there is no batch norm). */
export function convBnRelu(b: NetworkBuilder, name: string, bnName: string, conv: Conv2dOptions, bn: BatchNormOptions | undefined): void {
  if (bn === undefined) {
    b.conv2d(name, { ...conv, activation: 'relu' });
    return;
  }
  b.conv2d(name, { ...conv, activation: 'linear' });
  b.batchNorm(bnName, bn);
  b.relu(`${name}/relu`);
}

/** dense -> relu, or dense -> batch norm -> relu. */
export function denseBnRelu(
  b: NetworkBuilder,
  name: string,
  bnName: string,
  units: number,
  useBias: boolean,
  bn: BatchNormOptions | undefined,
): void {
  if (bn === undefined) {
    b.dense(name, { units, useBias, activation: 'relu' });
    return;
  }
  b.dense(name, { units, useBias });
  b.batchNorm(bnName, bn);
  b.relu(`${name}/relu`);
}

