import { InvalidArgumentError } from '@retain/core';
import { BaselinePhaseError, WeightLayoutMismatchError } from '../errors/baseline-errors.js';
import { checkSameLayout, cloneNamedArrays, zerosLike, type NamedArrays } from '../named-arrays.js';

/**
 * SI's damping xi on permuted MNIST: 0.1 in the authors' code for that figure
 * (ganguli-lab/pathint, fig_permuted_mnist); their split MNIST runs use 1e-3.
 */
export const SI_DEFAULT_DAMPING = 0.1;

/**
 * Synaptic Intelligence's per-weight importance (Zenke, Poole & Ganguli
 * 2017, "Continual Learning Through Synaptic Intelligence", Eqs. 3-5), over
 * typed arrays. During a task each optimiser step adds its share of the path
 * integral of the loss decrease, omega_k -= g_k * (theta_k(after) -
 * theta_k(before)), g the gradient of the loss without the SI penalty. At
 * the end of the task Omega_k += omega_k / (Delta_k^2 + xi), Delta_k the
 * weight's total change over the task, and omega restarts. Omega accumulates
 * over tasks; by default it is clipped at 0 after each task
 * (Omega = max(0, Omega + ...)), as the authors' code does (the paper's
 * equations have no clip). The tracked parameters may differ between tasks
 * (a new task's head): Omega of a parameter absent from a task is kept.
 */
export class PathIntegralImportance {
  /** xi: keeps Omega finite for weights that barely moved. */
  readonly damping: number;
  /** Clip Omega at 0 after each task (the authors' code); false follows the paper's equations. */
  readonly clipNegative: boolean;
  private omega: Map<string, Float32Array> | undefined;
  private start: Map<string, Float32Array> | undefined;
  private previous: Map<string, Float32Array> | undefined;
  private total: Map<string, Float32Array> | undefined;
  private stepCount = 0;

  constructor(options: { readonly damping?: number; readonly clipNegative?: boolean } = {}) {
    const damping = options.damping ?? SI_DEFAULT_DAMPING;
    if (!Number.isFinite(damping) || damping <= 0) throw new InvalidArgumentError('damping', damping, 'a finite number > 0');
    this.damping = damping;
    this.clipNegative = options.clipNegative ?? true;
  }

  /** Whether a task is being tracked (between beginTask and endTask). */
  get inTask(): boolean {
    return this.start !== undefined;
  }

  /** Optimiser steps recorded in the current task. */
  get steps(): number {
    return this.stepCount;
  }

  /** Starts a task at `weights` (copied): omega restarts at 0. */
  beginTask(weights: NamedArrays): void {
    if (this.inTask) throw new BaselinePhaseError('PathIntegralImportance', 'beginTask', 'a task is being tracked', 'call endTask() first');
    for (const [name, w] of weights) {
      const known = this.total?.get(name);
      if (known !== undefined && known.length !== w.length) throw new WeightLayoutMismatchError(`weights[${JSON.stringify(name)}].length`, known.length, w.length);
    }
    this.start = cloneNamedArrays(weights);
    this.previous = cloneNamedArrays(weights);
    this.omega = zerosLike(weights);
    this.stepCount = 0;
  }

  /**
   * Records one optimiser step: `gradients` were computed at the weights of
   * the previous step (or of beginTask) and the step moved them to
   * `weightsAfter`. A parameter absent from `gradients` had no gradient
   * (it adds nothing); its move is still tracked.
   */
  step(gradients: NamedArrays, weightsAfter: NamedArrays): void {
    const previous = this.previous;
    const omega = this.omega;
    if (previous === undefined || omega === undefined) {
      throw new BaselinePhaseError('PathIntegralImportance', 'step', 'no task is being tracked', 'call beginTask() first');
    }
    checkSameLayout(previous, weightsAfter, 'weightsAfter');
    for (const [name, g] of gradients) {
      const prev = previous.get(name);
      if (prev === undefined) throw new WeightLayoutMismatchError('gradients', 'only tracked parameters', `extra parameter ${JSON.stringify(name)}`);
      if (g.length !== prev.length) throw new WeightLayoutMismatchError(`gradients[${JSON.stringify(name)}].length`, prev.length, g.length);
      const after = weightsAfter.get(name) as Float32Array;
      const w = omega.get(name) as Float32Array;
      for (let i = 0; i < g.length; i++) w[i] = (w[i] as number) - (g[i] as number) * ((after[i] as number) - (prev[i] as number));
    }
    for (const [name, after] of weightsAfter) (previous.get(name) as Float32Array).set(after);
    this.stepCount++;
  }

  /**
   * Ends the task at `weights`: Omega += omega / ((weights - start)^2 + xi).
   * Returns the accumulated Omega (a copy).
   */
  endTask(weights: NamedArrays): Map<string, Float32Array> {
    const start = this.start;
    const omega = this.omega;
    if (start === undefined || omega === undefined) {
      throw new BaselinePhaseError('PathIntegralImportance', 'endTask', 'no task is being tracked', 'call beginTask() first');
    }
    checkSameLayout(start, weights, 'weights');
    const total = this.total ?? new Map<string, Float32Array>();
    for (const [name, end] of weights) {
      const s = start.get(name) as Float32Array;
      const w = omega.get(name) as Float32Array;
      let big = total.get(name);
      if (big === undefined) {
        big = new Float32Array(end.length);
        total.set(name, big);
      }
      for (let i = 0; i < end.length; i++) {
        const delta = (end[i] as number) - (s[i] as number);
        const next = (big[i] as number) + (w[i] as number) / (delta * delta + this.damping);
        big[i] = this.clipNegative && next < 0 ? 0 : next;
      }
    }
    this.total = total;
    this.start = undefined;
    this.previous = undefined;
    this.omega = undefined;
    return cloneNamedArrays(total);
  }

  /** Drops the task being tracked (after an aborted training), keeping Omega of the finished tasks. */
  discardTask(): void {
    this.start = undefined;
    this.previous = undefined;
    this.omega = undefined;
    this.stepCount = 0;
  }

  /** The running omega of the current task (a copy), or undefined outside a task. */
  pathIntegral(): Map<string, Float32Array> | undefined {
    return this.omega === undefined ? undefined : cloneNamedArrays(this.omega);
  }

  /** Omega accumulated over the finished tasks (a copy), or undefined before the first endTask. */
  importance(): Map<string, Float32Array> | undefined {
    return this.total === undefined ? undefined : cloneNamedArrays(this.total);
  }

  /** Restores Omega from a checkpoint (outside a task). */
  loadImportance(importance: NamedArrays | undefined): void {
    if (this.inTask) throw new BaselinePhaseError('PathIntegralImportance', 'loadImportance', 'a task is being tracked', 'load between tasks');
    this.total = importance === undefined ? undefined : cloneNamedArrays(importance);
  }
}
