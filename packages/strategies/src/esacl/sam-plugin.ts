import { InvalidArgumentError, tf } from '@retain/core';
import { DEFAULT_SAM_RHO } from '@retain/pruning';
import type { GradientSlot, StrategyPlugin, TrainingBatch, TrainingInfo } from '../framework/plugin.js';
import { segmentOutputs } from '../training/gradient-step.js';
import { crossEntropy } from '../training/loss.js';

/** Options of {@link samTrainingPlugin}. */
export interface SamTrainingOptions {
  /** Neighbourhood radius rho. Default 0.05 (Foret et al.'s SAM default; EsaCL gives none). */
  readonly rho?: number;
}

/** Size-weighted mean cross-entropy of `batch` for the trained task, through `info.forward` (the strategy's masks). */
function batchLoss(info: TrainingInfo, batch: TrainingBatch): tf.Scalar {
  const outputs = segmentOutputs(batch, info.taskId, info.forward);
  let loss: tf.Scalar = tf.scalar(0);
  for (const o of outputs) loss = tf.add(loss, tf.mul(crossEntropy(o.logits, o.labels), o.size / batch.size));
  return loss;
}

/** The global L2 norm of the gradients (one data sync). */
function globalNorm(grads: ReadonlyMap<string, tf.Tensor>): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))));
  const value = norm.dataSync()[0] ?? 0;
  norm.dispose();
  return value;
}

/**
 * Sharpness-aware minimisation (Foret et al., "Sharpness-Aware Minimization
 * for Efficiently Improving Generalization", ICLR 2021) as a plugin: two
 * gradient evaluations per step. The loop's gradient g at w (already masked
 * to the trainable weights by the strategy's masks) gives the ascent
 * e = rho * g / ||g|| (norm over all trained variables); the plugin moves the
 * variables to w + e, takes the gradient of the task loss there, restores the
 * variables to their exact values and hands that gradient to the optimiser.
 * Weights outside the trainable masks get zero gradient, hence zero
 * perturbation, and are restored bit for bit. Penalties other plugins add
 * (EWC, ...) are in the first gradient only (ours). Works with any strategy
 * built on BaseStrategy: pass it among the strategy's or the context's
 * plugins, before plugins that edit gradients.
 */
export function samTrainingPlugin(options: SamTrainingOptions = {}): StrategyPlugin {
  const rho = options.rho ?? DEFAULT_SAM_RHO;
  if (!(rho >= 0 && Number.isFinite(rho))) throw new InvalidArgumentError('rho', rho, 'a finite number >= 0');
  let current: TrainingBatch | undefined;
  return {
    name: 'sam',
    beforeForward(_info, batch) {
      current = batch;
    },
    afterBackward(info: TrainingInfo, slot: GradientSlot) {
      const batch = current;
      current = undefined;
      if (batch === undefined || rho === 0 || slot.grads.size === 0) return;
      const norm = globalNorm(slot.grads);
      if (!(norm > 0 && Number.isFinite(norm))) return;
      const scale = rho / norm;
      const names = [...slot.grads.keys()];
      const variables = names.map((n) => slot.variables.get(n) as tf.Variable);
      const saved = variables.map((v) => tf.clone(v));
      try {
        names.forEach((n, i) => {
          const moved = tf.tidy(() => tf.add(saved[i] as tf.Tensor, tf.mul(slot.grads.get(n) as tf.Tensor, scale)));
          (variables[i] as tf.Variable).assign(moved);
          moved.dispose();
        });
        const { value, grads } = tf.variableGrads(() => batchLoss(info, batch), variables);
        value.dispose();
        names.forEach((n, i) => {
          const g = grads[n];
          slot.set(n, g ?? tf.zerosLike(variables[i] as tf.Variable));
        });
      } finally {
        variables.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
        tf.dispose(saved);
      }
    },
  };
}
