import { tf } from '@retain/core';
import type { GradientSlot, LossEvent, SegmentOutput, StrategyPlugin, TrainingBatch, TrainingInfo } from '../framework/plugin.js';
import { crossEntropy } from './loss.js';
import type { ManagedOptimizer } from './optimizer.js';
import type { WeightDecayMode } from './training-config.js';

/** Where weight decay applies on a variable: a 0/1 mask tensor (owned by the caller), everywhere, or nowhere. */
export type DecayScope = tf.Tensor | 'all' | 'none';

/** What one optimiser step needs. */
export interface StepSpec {
  readonly info: TrainingInfo;
  readonly plugins: readonly StrategyPlugin[];
  /** Logits of `x` for task `taskId` in training mode (the strategy's masks applied). */
  readonly forward: (x: tf.Tensor, taskId: number, training: boolean) => tf.Tensor;
  /** The variables trained, in a fixed order. */
  readonly variables: readonly tf.Variable[];
  readonly optimizer: ManagedOptimizer;
  readonly weightDecay: number;
  readonly weightDecayMode: WeightDecayMode;
  readonly decayScope: (variable: tf.Variable) => DecayScope;
  /**
   * The 0/1 mask the optimiser applies to a variable's gradient (a parameter's
   * trainable mask set with `trainableIn: 'optimizer'`, which the backward
   * pass left out), else undefined.
   */
  readonly gradientMask?: (variable: tf.Variable) => tf.Tensor | undefined;
}

/** The logits of each segment of `batch` (the whole batch as one segment of `taskId` when it has none). */
export function segmentOutputs(batch: TrainingBatch, taskId: number, forward: StepSpec['forward']): SegmentOutput[] {
  const segments = batch.segments ?? [{ taskId, start: 0, size: batch.size }];
  if (batch.segments === undefined) {
    return [{ taskId, start: 0, size: batch.size, logits: forward(batch.x, taskId, true), labels: batch.y }];
  }
  return segments
    .filter((s) => s.size > 0)
    .map((s) => {
      const begin = [s.start, ...batch.x.shape.slice(1).map(() => 0)];
      const size = [s.size, ...batch.x.shape.slice(1).map(() => -1)];
      const x = tf.slice(batch.x, begin, size);
      return { ...s, logits: forward(x, s.taskId, true), labels: tf.slice(batch.y, [s.start], [s.size]) };
    });
}

/** Size-weighted mean cross-entropy over the segments. */
function taskLoss(outputs: readonly SegmentOutput[], total: number): tf.Scalar {
  let loss: tf.Scalar = tf.scalar(0);
  for (const o of outputs) loss = tf.add(loss, tf.mul(crossEntropy(o.logits, o.labels), o.size / total));
  return loss;
}

/**
 * One optimiser step on `batch`: plugins' forward/backward hooks, the task
 * loss plus penalties, gradients of `variables`, plugins' afterBackward,
 * weight decay restricted to each variable's decay scope, the update.
 * Returns the loss (one data sync). Leaves no tensor behind.
 */
export function gradientStep(spec: StepSpec, batch: TrainingBatch): number {
  const { info, plugins } = spec;
  const variables = spec.variables.filter((v) => v.trainable);
  const { value, grads } = tf.variableGrads(() => {
    for (const p of plugins) p.beforeForward?.(info, batch);
    const outputs = segmentOutputs(batch, info.taskId, spec.forward);
    for (const p of plugins) p.afterForward?.(info, outputs);
    const loss = taskLoss(outputs, batch.size);
    let total: tf.Scalar = loss;
    const event: LossEvent = { batch, outputs, loss };
    for (const p of plugins) {
      const penalty = p.beforeBackward?.(info, event);
      if (penalty !== undefined) total = tf.add(total, penalty);
    }
    return total;
  }, variables);
  const byName = new Map<string, tf.Tensor>();
  const varByName = new Map<string, tf.Variable>();
  for (const v of variables) {
    varByName.set(v.name, v);
    byName.set(v.name, grads[v.name] ?? tf.zerosLike(v));
  }
  try {
    const slot: GradientSlot = {
      grads: byName,
      variables: varByName,
      set(name, gradient) {
        const old = byName.get(name);
        if (old !== undefined && old !== gradient) old.dispose();
        byName.set(name, gradient);
      },
    };
    const masks = new Map<string, tf.Tensor>();
    for (const v of variables) {
      const mask = spec.gradientMask?.(v);
      if (mask !== undefined) masks.set(v.name, mask);
    }
    // Plugins that read gradients see them masked, as with masks applied in the backward pass.
    if (masks.size > 0 && plugins.some((p) => p.afterBackward !== undefined)) {
      for (const [name, mask] of masks) slot.set(name, tf.mul(byName.get(name) as tf.Tensor, mask));
    }
    for (const p of plugins) p.afterBackward?.(info, slot);
    const wd = spec.weightDecay;
    if (wd > 0 && spec.weightDecayMode === 'l2') {
      for (const v of variables) {
        const scope = spec.decayScope(v);
        if (scope === 'none') continue;
        const g = byName.get(v.name) as tf.Tensor;
        const decayed = tf.tidy(() => tf.add(g, tf.mul(scope === 'all' ? v : tf.mul(v, scope), wd)));
        slot.set(v.name, decayed);
      }
    }
    // The masks again in the update: a plugin may have replaced a gradient (SAM's second pass).
    spec.optimizer.apply(variables.map((v) => ({ name: v.name, tensor: byName.get(v.name) as tf.Tensor, mask: masks.get(v.name) })));
    if (wd > 0 && spec.weightDecayMode === 'decoupled') {
      const factor = spec.optimizer.learningRate * wd;
      for (const v of variables) {
        const scope = spec.decayScope(v);
        if (scope === 'none') continue;
        tf.tidy(() => v.assign(tf.sub(v, tf.mul(scope === 'all' ? v : tf.mul(v, scope), factor))));
      }
    }
    return value.dataSync()[0] ?? NaN;
  } finally {
    value.dispose();
    for (const g of byName.values()) g.dispose();
    for (const g of Object.values(grads)) if (!g.isDisposed) g.dispose();
  }
}
