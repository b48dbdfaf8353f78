import { tf, type Parameter } from '@retain/core';
import { blipBound, clipWindow, freezeMoreBits, quantizeToPrecision, updateRunningFisher } from './fixed-point.js';

/**
 * What BLIP keeps for one shared parameter (constant in the number of tasks):
 * the frozen bits of each weight, the running Fisher and the last synced
 * values, plus, while a task trains, the clip window as two kept tensors.
 */
export class BlipParameterState {
  readonly parameter: Parameter;
  readonly fanIn: number;
  /** The weight range [-bound, bound]. */
  readonly bound: number;
  private bitsValue: Uint8Array;
  private fisherOldValue: Float32Array;
  private prevValue: Float32Array;
  private window: { lo: tf.Tensor; hi: tf.Tensor } | undefined;

  /**
   * Clamps the parameter's values into the range and takes them as the first
   * synced values; no bit frozen; running Fisher `fisherPrior * fanIn`.
   */
  constructor(parameter: Parameter, fanIn: number, boundScale: number, fisherPrior: number) {
    this.parameter = parameter;
    this.fanIn = fanIn;
    this.bound = blipBound(fanIn, boundScale);
    this.bitsValue = new Uint8Array(parameter.size);
    this.fisherOldValue = new Float32Array(parameter.size).fill(fisherPrior * fanIn);
    this.prevValue = quantizeToPrecision(parameter.read(), this.bitsValue, this.bound);
    parameter.write(this.prevValue);
  }

  /** Frozen bits per weight (a copy). */
  get bits(): Uint8Array {
    return this.bitsValue.slice();
  }

  /** Running Fisher per weight (a copy). */
  get fisherOld(): Float32Array {
    return this.fisherOldValue.slice();
  }

  /** Last synced values (a copy). */
  get prev(): Float32Array {
    return this.prevValue.slice();
  }

  /** Builds the clip window of the coming task from the synced values and frozen bits. */
  openWindow(): void {
    this.closeWindow();
    const { lo, hi } = clipWindow(this.prevValue, this.bitsValue, this.bound);
    const shape = [...this.parameter.shape];
    this.window = { lo: tf.keep(tf.tensor(lo, shape, 'float32')), hi: tf.keep(tf.tensor(hi, shape, 'float32')) };
  }

  /** Clips the weights into the open window (after an optimiser step); no-op without one. */
  clip(): void {
    const w = this.window;
    if (w === undefined) return;
    const v = this.parameter.variable;
    const clipped = tf.tidy(() => tf.minimum(tf.maximum(v, w.lo), w.hi));
    v.assign(clipped);
    clipped.dispose();
  }

  /** Frees the clip window. */
  closeWindow(): void {
    if (this.window === undefined) return;
    this.window.lo.dispose();
    this.window.hi.dispose();
    this.window = undefined;
  }

  /**
   * After a task: freezes ceil(IG) more bits per weight (capped at
   * `maxBits`), quantises the weights to their frozen precision (sync),
   * stores them as the synced values and updates the running Fisher.
   * Returns the bits frozen by this task.
   */
  learn(fisher: Float32Array, tasksBefore: number, maxBits: number): number {
    const update = freezeMoreBits(this.bitsValue, fisher, this.fisherOldValue, tasksBefore, maxBits);
    const synced = quantizeToPrecision(this.parameter.read(), update.bits, this.bound);
    this.parameter.write(synced);
    this.bitsValue = update.bits;
    this.prevValue = synced;
    this.fisherOldValue = updateRunningFisher(this.fisherOldValue, fisher, tasksBefore);
    return update.added;
  }

  /** Replaces the state (a checkpoint, checked by the caller to have the parameter's size). */
  restore(bits: Uint8Array, fisherOld: Float32Array, prev: Float32Array): void {
    this.closeWindow();
    this.bitsValue = bits.slice();
    this.fisherOldValue = fisherOld.slice();
    this.prevValue = prev.slice();
  }
}
