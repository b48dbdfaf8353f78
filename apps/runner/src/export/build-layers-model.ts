import { tf } from '@retain/core';
import type { DenseWeights, ResidualWeights, TaskLayerWeights, TaskNetworkWeights } from '@retain/strategies';

/** One Keras layer with the weights to set on it once built (Keras' order). */
interface PlannedLayer {
  readonly layer: tf.layers.Layer;
  readonly weights: readonly { readonly values: Float32Array; readonly shape: readonly number[] }[];
}

/** Keras layers applied to a symbolic tensor, with the weights to set once built. */
interface Wired {
  readonly output: tf.SymbolicTensor;
  readonly planned: readonly PlannedLayer[];
}

/** Keras layer names: `/` is not allowed in them (`head/task1` becomes `head_task1`), and each must be unique. */
function kerasName(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  let out = base;
  for (let i = 2; used.has(out); i++) out = `${base}_${i}`;
  used.add(out);
  return out;
}

/**
 * The head with single-head class masking folded into its bias: classes
 * predict can never return get a bias of -Infinity, so their logit is
 * -Infinity exactly as in predict's output (a head without bias gets a zero
 * bias plus the mask).
 */
function maskedHead(head: DenseWeights, allowed: readonly number[] | undefined): DenseWeights {
  if (allowed === undefined) return head;
  const keep = new Set(allowed);
  const bias = head.bias !== undefined ? Float32Array.from(head.bias) : new Float32Array(head.units);
  for (let c = 0; c < head.units; c++) if (!keep.has(c)) bias[c] = -Infinity;
  return { ...head, bias };
}

function plan(layer: Exclude<TaskLayerWeights, ResidualWeights>, used: Set<string>): PlannedLayer[] {
  const name = kerasName(layer.name, used);
  switch (layer.kind) {
    case 'dense':
      return [
        {
          layer: tf.layers.dense({ name, units: layer.units, activation: layer.activation, useBias: layer.bias !== undefined }),
          weights: [{ values: layer.kernel, shape: [layer.inFeatures, layer.units] }, ...(layer.bias !== undefined ? [{ values: layer.bias, shape: [layer.units] }] : [])],
        },
      ];
    case 'conv2d': {
      const k = layer.kernelSize;
      const conv: PlannedLayer = {
        layer: tf.layers.conv2d({
          name,
          filters: layer.filters,
          kernelSize: k,
          strides: layer.stride,
          padding: typeof layer.padding === 'number' ? 'valid' : layer.padding,
          activation: layer.activation,
          useBias: layer.bias !== undefined,
          dataFormat: 'channelsLast',
        }),
        weights: [{ values: layer.kernel, shape: [k, k, layer.inChannels, layer.filters] }, ...(layer.bias !== undefined ? [{ values: layer.bias, shape: [layer.filters] }] : [])],
      };
      if (typeof layer.padding !== 'number' || layer.padding === 0) return [conv];
      const p = layer.padding;
      const pad: PlannedLayer = { layer: tf.layers.zeroPadding2d({ name: kerasName(`${layer.name}/pad`, used), padding: [[p, p], [p, p]] }), weights: [] };
      return [pad, conv];
    }
    case 'batchNorm': {
      const c = [layer.channels];
      const weights = [
        ...(layer.gamma !== undefined ? [{ values: layer.gamma, shape: c }] : []),
        ...(layer.beta !== undefined ? [{ values: layer.beta, shape: c }] : []),
        { values: layer.mean, shape: c },
        { values: layer.variance, shape: c },
      ];
      return [
        {
          layer: tf.layers.batchNormalization({ name, axis: -1, epsilon: layer.epsilon, center: layer.beta !== undefined, scale: layer.gamma !== undefined }),
          weights,
        },
      ];
    }
    case 'pool2d': {
      const args = { name, poolSize: layer.poolSize, strides: layer.stride, padding: 'valid' as const };
      return [{ layer: layer.pool === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), weights: [] }];
    }
    case 'globalAveragePool':
      return [{ layer: tf.layers.globalAveragePooling2d({ name }), weights: [] }];
    case 'flatten':
      return [{ layer: tf.layers.flatten({ name }), weights: [] }];
    case 'relu':
      return [{ layer: tf.layers.activation({ name, activation: 'relu' }), weights: [] }];
    case 'dropout':
      return [{ layer: tf.layers.dropout({ name, rate: layer.rate }), weights: [] }];
  }
}

/** Applies `layers` in order to `input` (a residual block as two branches, an add and a relu). */
function wire(input: tf.SymbolicTensor, layers: readonly TaskLayerWeights[], used: Set<string>): Wired {
  let h = input;
  const planned: PlannedLayer[] = [];
  for (const layer of layers) {
    if (layer.kind === 'residual') {
      const main = wire(h, layer.main, used);
      const shortcut = wire(h, layer.shortcut, used);
      const sum = tf.layers.add({ name: kerasName(`${layer.name}/add`, used) }).apply([main.output, shortcut.output]) as tf.SymbolicTensor;
      h = tf.layers.activation({ name: kerasName(`${layer.name}/relu`, used), activation: 'relu' }).apply(sum) as tf.SymbolicTensor;
      planned.push(...main.planned, ...shortcut.planned);
      continue;
    }
    for (const p of plan(layer, used)) {
      h = p.layer.apply(h) as tf.SymbolicTensor;
      planned.push(p);
    }
  }
  return { output: h, planned };
}

/**
 * A plain tf.LayersModel (Keras layers, functional graph) computing task
 * `net`'s logits: dense / conv2d (+ zeroPadding2d for numeric padding) /
 * batchNormalization (kept as a layer with the task's moving statistics, not
 * folded) / pooling / flatten / relu / dropout, residual blocks as two
 * branches joined by add + relu, the task's head last. Single-head class
 * masking is folded into the head's bias (-Infinity for classes predict
 * never returns). The caller disposes the model.
 */
export function buildLayersModel(net: TaskNetworkWeights): tf.LayersModel {
  const used = new Set<string>(['input']);
  const layers = net.layers.map((layer, i) => (i === net.layers.length - 1 && layer.kind === 'dense' ? maskedHead(layer, net.allowedClasses) : layer));
  const input = tf.input({ name: 'input', shape: [...net.inputShape] });
  const { output, planned } = wire(input, layers, used);
  const model = tf.model({ name: `${net.strategy}_task${net.networkTask}`, inputs: input, outputs: output });
  try {
    tf.tidy(() => {
      for (const p of planned) {
        if (p.weights.length > 0) p.layer.setWeights(p.weights.map((w) => tf.tensor(w.values, [...w.shape], 'float32')));
      }
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
