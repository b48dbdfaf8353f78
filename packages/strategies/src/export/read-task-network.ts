import {
  Dropout,
  Flatten,
  GlobalAveragePool,
  MaskedConv2d,
  MaskedDense,
  Pool2d,
  Relu,
  ResidualBlock,
  TaskBatchNorm,
  tf,
  type Layer,
  type MaskedNetwork,
  type Parameter,
} from '@retain/core';
import { UnsupportedExportError } from './export-errors.js';
import type { BatchNormWeights, Conv2dWeights, DenseWeights, ResidualWeights, TaskLayerWeights, TaskNetworkWeights } from './task-network-weights.js';

/** Which task to read, and how the strategy names it. */
export interface TaskToRead {
  readonly strategy: string;
  /** The task id as given to predict. */
  readonly taskId: number | undefined;
  /** The network task (head, batch-norm state). */
  readonly networkTask: number;
  /** Single-head class masking at prediction (undefined: none). */
  readonly allowedClasses?: readonly number[];
}

/** The weight the forward pass uses now (masks / transform applied), copied out. Syncs data. */
export function effectiveValues(p: Parameter): Float32Array {
  return tf.tidy(() => Float32Array.from(p.effective().dataSync() as Float32Array));
}

function denseWeights(layer: MaskedDense): DenseWeights {
  return {
    kind: 'dense',
    name: layer.name,
    inFeatures: layer.inFeatures,
    units: layer.units,
    activation: layer.activation,
    kernel: effectiveValues(layer.kernel),
    ...(layer.bias !== undefined ? { bias: effectiveValues(layer.bias) } : {}),
  };
}

function convWeights(layer: MaskedConv2d): Conv2dWeights {
  const [k, , inChannels, filters] = layer.kernel.shape as [number, number, number, number];
  return {
    kind: 'conv2d',
    name: layer.name,
    inChannels,
    filters,
    kernelSize: k,
    stride: layer.stride,
    padding: layer.padding,
    activation: layer.activation,
    kernel: effectiveValues(layer.kernel),
    ...(layer.bias !== undefined ? { bias: effectiveValues(layer.bias) } : {}),
  };
}

function batchNormWeights(layer: TaskBatchNorm, networkTask: number, architecture: string): BatchNormWeights {
  if (!layer.trackRunningStats) {
    throw new UnsupportedExportError(architecture, layer.name, 'batch norm without running statistics (trackRunningStats false) normalises with each batch\u2019s own statistics at inference, which a plain network cannot do');
  }
  layer.prepareTask(networkTask);
  const owner = layer.mode === 'shared' ? undefined : networkTask;
  const byRole = new Map(layer.parameters().filter((p) => p.taskId === owner).map((p) => [p.role, p]));
  const mean = byRole.get('runningMean');
  const variance = byRole.get('runningVariance');
  if (mean === undefined || variance === undefined) throw new UnsupportedExportError(architecture, layer.name, `no running statistics for task ${networkTask}`);
  const gamma = byRole.get('gamma');
  const beta = byRole.get('beta');
  return {
    kind: 'batchNorm',
    name: layer.name,
    channels: layer.channels,
    epsilon: layer.epsilon,
    ...(gamma !== undefined ? { gamma: effectiveValues(gamma) } : {}),
    ...(beta !== undefined ? { beta: effectiveValues(beta) } : {}),
    mean: mean.read(),
    variance: variance.read(),
  };
}

function residualWeights(block: ResidualBlock, networkTask: number, architecture: string): ResidualWeights {
  const bn = (layer: TaskBatchNorm | undefined): TaskLayerWeights[] => (layer === undefined ? [] : [batchNormWeights(layer, networkTask, architecture)]);
  const relu1: TaskLayerWeights[] = block.bn1 === undefined ? [] : [{ kind: 'relu', name: `${block.name}/relu1` }];
  return {
    kind: 'residual',
    name: block.name,
    main: [convWeights(block.conv1), ...bn(block.bn1), ...relu1, convWeights(block.conv2), ...bn(block.bn2)],
    shortcut: block.shortcutConv === undefined ? [] : [convWeights(block.shortcutConv), ...bn(block.shortcutBn)],
  };
}

function layerWeights(layer: Layer, networkTask: number, architecture: string): TaskLayerWeights {
  if (layer instanceof MaskedDense) return denseWeights(layer);
  if (layer instanceof MaskedConv2d) return convWeights(layer);
  if (layer instanceof TaskBatchNorm) return batchNormWeights(layer, networkTask, architecture);
  if (layer instanceof Pool2d) return { kind: 'pool2d', name: layer.name, pool: layer.kind, poolSize: layer.poolSize, stride: layer.stride };
  if (layer instanceof GlobalAveragePool) return { kind: 'globalAveragePool', name: layer.name };
  if (layer instanceof Flatten) return { kind: 'flatten', name: layer.name };
  if (layer instanceof Relu) return { kind: 'relu', name: layer.name };
  if (layer instanceof Dropout) return { kind: 'dropout', name: layer.name, rate: layer.rate };
  if (layer instanceof ResidualBlock) return residualWeights(layer, networkTask, architecture);
  throw new UnsupportedExportError(architecture, layer.name, `a ${layer.constructor.name} has no plain equivalent (supported: dense, conv2d, batch norm with running statistics, pooling, flatten, relu, dropout, residual blocks)`);
}

/**
 * Reads task `task.networkTask`'s network from `network` as it is set up now:
 * call it right after installing what the task's forward pass needs (a mask
 * strategy's masks), as predict does. Syncs data; leaves no tensor behind.
 * Throws {@link UnsupportedExportError} for layers with no plain equivalent.
 */
export function readTaskNetwork(network: MaskedNetwork, task: TaskToRead): TaskNetworkWeights {
  const model = network.descriptor();
  const layers = network.layers.map((layer) => layerWeights(layer, task.networkTask, model.zoo));
  const head = denseWeights(network.heads.head(task.networkTask));
  return {
    strategy: task.strategy,
    taskId: task.taskId,
    networkTask: task.networkTask,
    model,
    inputShape: [...network.inputShape],
    layers: [...layers, head],
    classes: head.units,
    ...(task.allowedClasses !== undefined ? { allowedClasses: [...task.allowedClasses].sort((a, b) => a - b) } : {}),
  };
}
