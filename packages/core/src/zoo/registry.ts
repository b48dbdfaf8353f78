import { RetainError } from '../errors/retain-error.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import { checkModelDescriptor, type ModelDescriptor } from '../layers/model-descriptor.js';
import { alexNetClEntry, type AlexNetClOptions } from './alexnet-cl.js';
import { cnnSmallEntry, type CnnSmallOptions } from './cnn-small.js';
import { mlpEntry, type MlpOptions } from './mlp.js';
import type { CommonModelOptions } from './model-options.js';
import { resNet18ReducedEntry, type ResNet18ReducedOptions } from './resnet18-reduced.js';
import { tinyNetEntry, type TinyNetOptions } from './tinynet.js';
import type { ZooEntry } from './zoo-entry.js';

/** The names of the model zoo. */
export const ZOO_NAMES = ['mlp', 'cnn-small', 'alexnet-cl', 'resnet18-reduced', 'tinynet'] as const;

/** A zoo model name. */
export type ZooName = (typeof ZOO_NAMES)[number];

/** The options each zoo model takes. */
export interface ZooOptions {
  mlp: MlpOptions;
  'cnn-small': CnnSmallOptions;
  'alexnet-cl': AlexNetClOptions;
  'resnet18-reduced': ResNet18ReducedOptions;
  tinynet: TinyNetOptions;
}

const ENTRIES: { readonly [N in ZooName]: ZooEntry<ZooOptions[N]> } = {
  mlp: mlpEntry,
  'cnn-small': cnnSmallEntry,
  'alexnet-cl': alexNetClEntry,
  'resnet18-reduced': resNet18ReducedEntry,
  tinynet: tinyNetEntry,
};

/** A name that is not in the zoo. */
export class UnknownModelError extends RetainError {
  readonly model: string;

  constructor(model: string) {
    super('ERR_UNKNOWN_MODEL', `unknown zoo model ${JSON.stringify(model)}: expected one of ${ZOO_NAMES.join(', ')}`);
    this.model = model;
  }
}

/** What the registry lists about a model. */
export interface ZooModelInfo {
  readonly name: ZooName;
  readonly description: string;
  readonly source: string;
}

/** The zoo's models with a one-line description and their source. */
export function listModels(): ZooModelInfo[] {
  return ZOO_NAMES.map((name) => ({ name, description: ENTRIES[name].description, source: ENTRIES[name].source }));
}

function entry(name: string): ZooEntry<CommonModelOptions> {
  if (!(ZOO_NAMES as readonly string[]).includes(name)) throw new UnknownModelError(name);
  return ENTRIES[name as ZooName] as ZooEntry<CommonModelOptions>;
}

/**
 * Creates zoo model `name` with seeded initial weights.
 * @example createModel('mlp', { inputShape: [28, 28, 1], classesPerTask: [2, 2, 2, 2, 2], seed: 1 })
 */
export function createModel<N extends ZooName>(name: N, options: ZooOptions[N]): MaskedNetwork {
  return entry(name).create(options);
}

/** Rebuilds a model from {@link MaskedNetwork.descriptor} (parsed JSON is fine): same architecture, heads and initial weights. */
export function createModelFromDescriptor(descriptor: ModelDescriptor | unknown): MaskedNetwork {
  const d = checkModelDescriptor(descriptor);
  return entry(d.zoo).create(d.options as unknown as CommonModelOptions, d.heads);
}
