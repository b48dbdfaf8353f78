import { InvalidArgumentError, tf, type MaskedNetwork, type Rng } from '@retain/core';
import type { DataSplit, Experience, ScenarioKind } from '@retain/scenarios';
import type { BatchSlot, EpochMetrics, StrategyPlugin, TrainingBatch, TrainingInfo } from '../framework/plugin.js';
import { ThroughputMeter, type ProgressSink } from '../framework/progress.js';
import type { PhaseReport } from '../framework/strategy.js';
import { TrainingAbortedError } from '../framework/strategy-errors.js';
import { EarlyStopper } from './early-stopping.js';
import { validationMetrics } from './evaluate.js';
import { gradientStep, type DecayScope } from './gradient-step.js';
import { LrScheduler } from './lr-schedule.js';
import { ManagedOptimizer } from './optimizer.js';
import type { TrainingConfig } from './training-config.js';
import type { TrainingData } from './training-data.js';

/** Everything one training phase (one run of the shared loop) needs. */
export interface PhaseSpec {
  /** Phase name for progress and hooks, e.g. `train`, `retrain`. */
  readonly phase: string;
  /** Resolved settings (see resolveTrainingConfig). */
  readonly config: TrainingConfig;
  readonly strategy: string;
  readonly network: MaskedNetwork;
  readonly experience: Experience;
  readonly taskId: number;
  readonly scenarioKind: ScenarioKind;
  /** This experience's generator; the phase shuffles with its stream `shuffle/<phase>`. */
  readonly rng: Rng;
  readonly data: TrainingData;
  /** Validation split for early stopping and the plateau schedule (usually experience.validation). */
  readonly validation?: DataSplit;
  /** The variables trained, in a fixed order (frozen ones are skipped at each step). */
  readonly variables: readonly tf.Variable[];
  /** Logits of `x` for task `taskId` with the strategy's masks. The caller disposes them. */
  readonly forward: (x: tf.Tensor, taskId: number, training: boolean) => tf.Tensor;
  /** Where weight decay applies on each variable (default: everywhere). */
  readonly decayScope?: (variable: tf.Variable) => DecayScope;
  /** The mask the optimiser applies to a variable's gradient (see StepSpec.gradientMask). */
  readonly gradientMask?: (variable: tf.Variable) => tf.Tensor | undefined;
  readonly plugins: readonly StrategyPlugin[];
  readonly progress?: ProgressSink;
  readonly signal?: AbortSignal;
  /** Optimiser steps already taken in this experience (earlier phases). */
  readonly stepOffset?: number;
}

interface LoopState {
  epoch: number;
  iteration: number;
  step: number;
  stopReason: string | undefined;
  stopNow: boolean;
}

/** Copies of the values of `variables` (kept outside any tidy). */
function snapshot(variables: readonly tf.Variable[], previous: Map<tf.Variable, tf.Tensor> | undefined): Map<tf.Variable, tf.Tensor> {
  if (previous !== undefined) for (const t of previous.values()) t.dispose();
  return new Map(variables.map((v) => [v, tf.clone(v)]));
}

/**
 * Runs one training phase: epochs of shuffled batches through
 * {@link gradientStep}, with a fresh optimiser, the lr schedule, early
 * stopping on the validation split (restoring the best epoch's weights and
 * batch-norm statistics), plugin hooks from beforeTrainingEpoch to
 * afterTrainingEpoch, progress events and abort checks between batches.
 * Leaves no tensor behind (the optimiser is disposed at the end).
 */
export async function runTrainingPhase(spec: PhaseSpec): Promise<PhaseReport> {
  const cfg = spec.config;
  const started = performance.now();
  const state: LoopState = { epoch: -1, iteration: -1, step: spec.stepOffset ?? 0, stopReason: undefined, stopNow: false };
  const optimizer = new ManagedOptimizer(cfg.optimizer);
  const scheduler = new LrScheduler(cfg.lrSchedule, cfg.optimizer.learningRate);
  const stopper = cfg.earlyStopping !== undefined && spec.validation !== undefined && spec.validation.size > 0 ? new EarlyStopper(cfg.earlyStopping) : undefined;
  const restoreBest = stopper !== undefined && (cfg.earlyStopping?.restoreBest ?? true);
  const position = { experience: spec.experience.index, taskId: spec.taskId, phase: spec.phase };
  const info: TrainingInfo = {
    strategy: spec.strategy,
    network: spec.network,
    experience: spec.experience,
    taskId: spec.taskId,
    scenarioKind: spec.scenarioKind,
    phase: spec.phase,
    get epoch() {
      return state.epoch;
    },
    epochs: cfg.epochs,
    get iteration() {
      return state.iteration;
    },
    get step() {
      return state.step;
    },
    get learningRate() {
      return optimizer.learningRate;
    },
    rng: spec.rng,
    setLearningRate(lr: number) {
      optimizer.setLearningRate(lr);
      scheduler.override(lr);
    },
    requestStop(reason: string) {
      state.stopReason ??= reason;
      if (state.iteration >= 0) state.stopNow = true;
    },
    forward: spec.forward,
  };
  const stepSpec = {
    info,
    plugins: spec.plugins,
    forward: spec.forward,
    variables: spec.variables,
    optimizer,
    weightDecay: cfg.weightDecay,
    weightDecayMode: cfg.weightDecayMode,
    decayScope: spec.decayScope ?? ((): DecayScope => 'all'),
    ...(spec.gradientMask !== undefined ? { gradientMask: spec.gradientMask } : {}),
  };
  // Variables restored with the best epoch: those trained plus batch-norm running statistics.
  const kept = [...spec.variables, ...[...spec.network.parameters().values()].filter((p) => !p.learnable).map((p) => p.variable)];
  const shuffleRng = cfg.shuffle ? spec.rng.stream(`shuffle/${spec.phase}`) : undefined;
  const batchesPerEpoch = spec.data.numBatches(cfg.batchSize);
  const meter = new ThroughputMeter(cfg.epochs * spec.data.size);
  let best: Map<tf.Variable, tf.Tensor> | undefined;
  let bestInfo: PhaseReport['best'];
  let epochsRun = 0;
  let samples = 0;
  let lastLoss = NaN;
  const nothingToTrain = spec.variables.every((v) => !v.trainable);
  if (nothingToTrain && cfg.epochs > 0) throw new InvalidArgumentError('variables', spec.variables.length, `at least one trainable variable in phase '${spec.phase}'`);
  spec.progress?.({ type: 'phase-start', ...position, epochs: cfg.epochs, batchesPerEpoch, samplesPerEpoch: spec.data.size });
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const epochStart = performance.now();
      const lrUsed = optimizer.learningRate;
      state.epoch = epoch;
      for (const p of spec.plugins) await p.beforeTrainingEpoch?.(info);
      let lossSum = 0;
      let lossCount = 0;
      let b = 0;
      for (const original of spec.data.batches(cfg.batchSize, shuffleRng)) {
        const owned: TrainingBatch[] = [original];
        try {
          if (spec.signal?.aborted === true) throw new TrainingAbortedError(spec.experience.index, spec.signal.reason);
          state.iteration = b;
          let batch = original;
          const slot: BatchSlot = {
            get batch() {
              return batch;
            },
            replace(next: TrainingBatch) {
              owned.push(next);
              batch = next;
            },
          };
          for (const p of spec.plugins) await p.beforeTrainingIteration?.(info, slot);
          const loss = gradientStep(stepSpec, batch);
          state.step++;
          for (const p of spec.plugins) await p.afterUpdate?.(info);
          meter.add(batch.size);
          samples += batch.size;
          lossSum += loss;
          lossCount++;
          spec.progress?.({
            type: 'batch',
            ...position,
            epoch,
            epochs: cfg.epochs,
            batch: b,
            batches: batchesPerEpoch,
            loss,
            samplesPerSecond: meter.samplesPerSecond,
            etaSeconds: meter.etaSeconds,
          });
          for (const p of spec.plugins) await p.afterTrainingIteration?.(info, loss);
        } finally {
          for (const o of new Set(owned)) {
            o.x.dispose();
            o.y.dispose();
          }
        }
        b++;
        if (state.stopNow) break;
      }
      state.iteration = -1;
      epochsRun++;
      lastLoss = lossCount > 0 ? lossSum / lossCount : NaN;
      let metrics: EpochMetrics = { loss: lastLoss };
      if (spec.validation !== undefined && spec.validation.size > 0) {
        const v = validationMetrics((x) => spec.forward(x, spec.taskId, false), spec.validation, cfg.evalBatchSize);
        metrics = { loss: lastLoss, validationLoss: v.loss, validationAccuracy: v.accuracy };
      }
      if (stopper !== undefined) {
        const vl = metrics.validationLoss ?? NaN;
        const va = metrics.validationAccuracy ?? 0;
        const decision = stopper.update(epoch, vl, va);
        if (decision.improved) {
          bestInfo = { epoch, validationLoss: vl, validationAccuracy: va };
          if (restoreBest) best = snapshot(kept, best);
        }
        if (decision.stop) state.stopReason ??= `no validation improvement for ${cfg.earlyStopping?.patience ?? 0} epochs`;
      }
      const lrDecision = scheduler.afterEpoch(epoch, metrics.validationLoss ?? lastLoss);
      if (lrDecision.learningRate !== optimizer.learningRate) optimizer.setLearningRate(lrDecision.learningRate);
      if (lrDecision.stop !== undefined) state.stopReason ??= lrDecision.stop;
      for (const p of spec.plugins) await p.afterTrainingEpoch?.(info, metrics);
      spec.progress?.({
        type: 'epoch-end',
        ...position,
        epoch,
        epochs: cfg.epochs,
        loss: lastLoss,
        ...(metrics.validationLoss !== undefined ? { validationLoss: metrics.validationLoss, validationAccuracy: metrics.validationAccuracy } : {}),
        learningRate: lrUsed,
        seconds: (performance.now() - epochStart) / 1000,
      });
      if (state.stopReason !== undefined) break;
    }
    if (best !== undefined) for (const [v, t] of best) v.assign(t);
  } finally {
    optimizer.dispose();
    if (best !== undefined) for (const t of best.values()) t.dispose();
    state.epoch = -1;
  }
  const seconds = (performance.now() - started) / 1000;
  spec.progress?.({ type: 'phase-end', ...position, epochsRun, ...(state.stopReason !== undefined ? { stopReason: state.stopReason } : {}), seconds });
  return {
    phase: spec.phase,
    epochsPlanned: cfg.epochs,
    epochsRun,
    steps: state.step - (spec.stepOffset ?? 0),
    samples,
    finalLoss: lastLoss,
    ...(bestInfo !== undefined ? { best: bestInfo } : {}),
    ...(state.stopReason !== undefined ? { stopReason: state.stopReason } : {}),
    seconds,
  };
}
