import { InvalidArgumentError, type MaskedNetwork, type Parameter, type tf } from '@retain/core';
import type { GradientSlot, TrainingInfo } from '../../framework/plugin.js';
import type { StateParts } from '../../framework/state-codec.js';
import type { StrategyState } from '../../framework/strategy.js';
import { StrategyStateError } from '../../framework/strategy-errors.js';
import { metaNumber, metaObject, parameterTensors, putArrays, takeArrays } from '../checkpoint-arrays.js';
import { consolidatedParameters, readParameters } from '../consolidated-parameters.js';
import { quadraticPenalty, type QuadraticTerm } from '../ewc/quadratic-penalty.js';
import type { CheckpointedPlugin } from '../plugin-strategy.js';
import { PathIntegralImportance } from './path-integral.js';

/** SI's strength c on permuted MNIST (Zenke et al. 2017: c = 0.1, found by a coarse grid search; split MNIST used c = 1). */
export const SI_DEFAULT_STRENGTH = 0.1;

/** Options of {@link SiPlugin}. */
export interface SiOptions {
  /** c of the penalty c * sum_k Omega_k (theta_k - theta*_k)^2. Default {@link SI_DEFAULT_STRENGTH}. */
  readonly c?: number;
  /** xi. Default SI_DEFAULT_DAMPING (0.1, the authors' permuted-MNIST value; 1e-3 for split MNIST). */
  readonly damping?: number;
  /** Clip Omega at 0 after each task, as the authors' code does. Default true. */
  readonly clipNegative?: boolean;
}

function disposeAll(tensors: ReadonlyMap<string, tf.Tensor>): void {
  for (const t of tensors.values()) t.dispose();
}

/**
 * Synaptic Intelligence (Zenke, Poole & Ganguli 2017) as a plugin of the
 * shared loop. During an experience it records each optimiser step's share
 * of the path integral, -g * delta_theta, with g the gradient of the loss
 * without SI's own penalty (the authors' "unregularised" gradient: the
 * loop's gradient minus 2c * Omega * (theta - theta*)), over the parameters
 * the task trains (shared ones and its own). At the end of the experience
 * Omega grows by omega / (Delta^2 + xi) and the anchor theta* moves to the
 * current weights; later experiences add c * sum Omega (theta - theta*)^2 to
 * the loss. Importances live in typed arrays ({@link PathIntegralImportance});
 * the penalty's Omega and anchor in tensors.
 */
export class SiPlugin implements CheckpointedPlugin {
  readonly name = 'si';
  readonly c: number;
  private readonly path: PathIntegralImportance;
  private omega = new Map<string, tf.Tensor>();
  private anchor = new Map<string, tf.Tensor>();
  private omegaValues: ReadonlyMap<string, Float32Array> = new Map();
  private anchorValues: ReadonlyMap<string, Float32Array> = new Map();
  private tracked: Map<string, Parameter> | undefined;
  private pending: Map<string, Float32Array> | undefined;
  private disposed = false;

  constructor(options: SiOptions = {}) {
    this.c = options.c ?? SI_DEFAULT_STRENGTH;
    if (!Number.isFinite(this.c) || this.c < 0) throw new InvalidArgumentError('si.c', this.c, 'a finite number >= 0');
    this.path = new PathIntegralImportance({
      ...(options.damping !== undefined ? { damping: options.damping } : {}),
      ...(options.clipNegative !== undefined ? { clipNegative: options.clipNegative } : {}),
    });
  }

  /** xi. */
  get damping(): number {
    return this.path.damping;
  }

  /** Omega accumulated over the finished experiences, by parameter name (copies), or undefined before the first. */
  importance(): Map<string, Float32Array> | undefined {
    return this.path.importance();
  }

  /** Optimiser steps recorded in the experience being trained. */
  get steps(): number {
    return this.path.steps;
  }

  /** Starts the path integral at the experience's initial weights. */
  beforeTrainingExperience(info: TrainingInfo): void {
    this.checkLive();
    if (this.path.inTask) this.path.discardTask();
    this.tracked = consolidatedParameters(info.network, info.taskId);
    this.path.beginTask(readParameters(this.tracked));
  }

  /** The penalty c * sum Omega (theta - theta*)^2 over the parameters being trained. */
  beforeBackward(info: TrainingInfo): tf.Scalar | undefined {
    if (this.omega.size === 0 || this.c === 0) return undefined;
    const terms: QuadraticTerm[] = [];
    for (const [name, p] of this.tracked ?? consolidatedParameters(info.network, info.taskId)) {
      const omega = this.omega.get(name);
      const anchor = this.anchor.get(name);
      if (omega === undefined || anchor === undefined || p.frozen) continue;
      terms.push({ weight: p.variable, anchor, importance: omega });
    }
    return terms.length === 0 ? undefined : quadraticPenalty(terms, this.c);
  }

  /**
   * Keeps the step's unregularised gradients, g - 2c * Omega * (theta -
   * theta*), computed over typed arrays (one data sync per tracked gradient
   * and weight).
   */
  afterBackward(_info: TrainingInfo, slot: GradientSlot): void {
    if (this.tracked === undefined) return;
    const grads = new Map<string, Float32Array>();
    for (const [name, p] of this.tracked) {
      const g = slot.grads.get(p.variable.name);
      if (g === undefined) continue;
      const out = (g.dataSync() as Float32Array).slice();
      const omega = this.omegaValues.get(name);
      const anchor = this.anchorValues.get(name);
      if (omega !== undefined && anchor !== undefined && this.c !== 0) {
        const w = p.variable.dataSync() as Float32Array;
        const k = 2 * this.c;
        for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - k * (omega[i] as number) * ((w[i] as number) - (anchor[i] as number));
      }
      grads.set(name, out);
    }
    this.pending = grads;
  }

  /** Adds the step's -g * delta_theta to omega. */
  afterUpdate(): void {
    if (this.tracked === undefined || this.pending === undefined) return;
    this.path.step(this.pending, readParameters(this.tracked));
    this.pending = undefined;
  }

  /** Omega += omega / (Delta^2 + xi); the anchor moves to the current weights. */
  afterTrainingExperience(info: TrainingInfo): void {
    this.checkLive();
    if (this.tracked === undefined) return;
    const weights = readParameters(this.tracked);
    const omega = this.path.endTask(weights);
    const anchor = new Map(this.anchorValues);
    for (const [name, w] of weights) anchor.set(name, w);
    this.install(info.network, omega, anchor);
    this.tracked = undefined;
  }

  stateParts(): StateParts {
    this.checkLive();
    const tensors: Record<string, Float32Array> = {};
    putArrays(tensors, 'si/omega/', this.path.importance() ?? new Map());
    putArrays(tensors, 'si/anchor/', this.anchorValues);
    return { meta: { si: { c: this.c, damping: this.path.damping, clipNegative: this.path.clipNegative } }, tensors, blobs: {} };
  }

  restoreParts(state: StrategyState, network: MaskedNetwork): () => void {
    this.checkLive();
    const meta = metaObject(state, 'si');
    const damping = metaNumber(meta, 'damping', 'meta.si');
    if (damping !== this.path.damping) throw new StrategyStateError('meta.si.damping', `the checkpoint's Omega used xi = ${damping}, this plugin uses ${this.path.damping}`);
    const omega = takeArrays(state, 'si/omega/');
    const anchor = takeArrays(state, 'si/anchor/');
    if (omega.size !== anchor.size || [...omega.keys()].some((n) => !anchor.has(n))) {
      throw new StrategyStateError('tensors["si/..."]', 'expected an anchor for every parameter with an importance');
    }
    return () => {
      this.path.discardTask();
      this.path.loadImportance(omega.size === 0 ? undefined : omega);
      this.install(network, omega, anchor);
      this.tracked = undefined;
    };
  }

  dispose(): void {
    if (this.disposed) return;
    disposeAll(this.omega);
    disposeAll(this.anchor);
    this.omega = new Map();
    this.anchor = new Map();
    this.disposed = true;
  }

  private install(network: MaskedNetwork, omega: ReadonlyMap<string, Float32Array>, anchor: ReadonlyMap<string, Float32Array>): void {
    disposeAll(this.omega);
    disposeAll(this.anchor);
    this.omega = parameterTensors(network, omega);
    this.anchor = parameterTensors(network, anchor);
    this.omegaValues = new Map(omega);
    this.anchorValues = new Map(anchor);
  }

  private checkLive(): void {
    if (this.disposed) throw new InvalidArgumentError('SiPlugin', 'disposed', 'a live plugin (it was disposed with its strategy)');
  }
}
