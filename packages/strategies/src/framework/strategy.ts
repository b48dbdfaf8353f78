import type { JsonValue, Rng, tf } from '@retain/core';
import type { Experience, ScenarioKind } from '@retain/scenarios';
import type { TaskNetworkWeights } from '../export/task-network-weights.js';
import type { StrategyPlugin } from './plugin.js';
import type { ProgressSink } from './progress.js';

/** What a `train` call gets besides the experience. */
export interface StrategyContext {
  /** Decides whether task ids may be used at test time (task-incremental) and whether heads are per task. */
  readonly scenarioKind: ScenarioKind;
  /** Seed of the training randomness (shuffling, plugins); default 0. Ignored when `rng` is given. */
  readonly seed?: number;
  /** Generator of the training randomness; each experience derives its own stream from it by index. */
  readonly rng?: Rng;
  /** Receives progress events. */
  readonly progress?: ProgressSink;
  /** Plugins for this call, run after the strategy's own. */
  readonly plugins?: readonly StrategyPlugin[];
  /** Aborts training between batches with TrainingAbortedError. */
  readonly signal?: AbortSignal;
}

/** Checkpoint format tag. */
export const STRATEGY_STATE_FORMAT = 'retain.strategy';
/** Checkpoint format version. */
export const STRATEGY_STATE_VERSION = 1;

/**
 * A strategy's checkpoint: JSON-able metadata plus named arrays. `tensors`
 * holds float32 values (weights by parameter name, per-task records), `blobs`
 * packed bytes (bit-packed or entropy-coded masks). The network's own
 * architecture is `model` (rebuild it with createModelFromDescriptor).
 */
export interface StrategyState {
  readonly format: typeof STRATEGY_STATE_FORMAT;
  readonly version: typeof STRATEGY_STATE_VERSION;
  /** The strategy's name, e.g. `packnet`; load() refuses another. */
  readonly strategy: string;
  /** The network's descriptor (core's ModelDescriptor as JSON). */
  readonly model: JsonValue;
  /** Strategy metadata: options, phase, tasks trained, classes seen, ... */
  readonly meta: { readonly [key: string]: JsonValue };
  readonly tensors: Readonly<Record<string, Float32Array>>;
  readonly blobs: Readonly<Record<string, Uint8Array>>;
}

/** Summary of one training phase (one run of the shared loop). */
export interface PhaseReport {
  readonly phase: string;
  readonly epochsPlanned: number;
  readonly epochsRun: number;
  /** Optimiser steps. */
  readonly steps: number;
  /** Samples seen (replayed samples included). */
  readonly samples: number;
  /** Mean training loss of the last epoch (NaN when no epoch ran). */
  readonly finalLoss: number;
  /** The epoch whose weights were kept by early stopping, with its validation metrics. */
  readonly best?: { readonly epoch: number; readonly validationLoss: number; readonly validationAccuracy: number };
  readonly stopReason?: string;
  readonly seconds: number;
}

/** Summary of a `train` call. */
export interface TrainReport {
  readonly strategy: string;
  readonly experience: number;
  readonly taskId: number;
  readonly phases: readonly PhaseReport[];
  readonly seconds: number;
}

/**
 * A continual-learning strategy: trains on one experience at a time and
 * predicts logits for any task seen so far.
 */
export interface Strategy {
  /** Short stable name, e.g. `naive`, `packnet`, `wsn`. */
  readonly name: string;
  /** The strategy's own plugins (context plugins run after these). */
  readonly plugins: readonly StrategyPlugin[];
  /** Trains on `experience`. Experiences come in scenario order. */
  train(experience: Experience, context: StrategyContext): Promise<TrainReport>;
  /**
   * Logits [batch, classes] of `inputs` [batch, ...inputShape]; the caller
   * disposes the result. `taskId` is required where the scenario is
   * task-incremental and the strategy is multi-head, and refused where the
   * scenario gives no task ids. Never records gradients, never trains.
   */
  predict(inputs: tf.Tensor, taskId?: number): tf.Tensor;
  /**
   * Optional: the network that `predict(x, taskId)` runs, as plain arrays
   * (effective weights, the task's head and batch-norm statistics), for
   * export. Same task-id rules as predict. Syncs data.
   */
  taskWeights?(taskId?: number): TaskNetworkWeights;
  /** A checkpoint (syncs data). */
  state(): StrategyState;
  /** Restores a checkpoint made by the same strategy on the same architecture; throws StrategyStateError (nothing changed) otherwise. */
  load(state: StrategyState): void;
  /** Frees every tensor the strategy holds (its network included). Idempotent. */
  dispose(): void;
}
