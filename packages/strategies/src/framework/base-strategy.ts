import { InvalidArgumentError, Rng, type JsonValue, type MaskedNetwork, type Parameter, type tf } from '@retain/core';
import type { Experience, ScenarioKind } from '@retain/scenarios';
import { readTaskNetwork } from '../export/read-task-network.js';
import type { TaskNetworkWeights } from '../export/task-network-weights.js';
import { TRAINING_MASK_VALUE } from '../training/loss.js';
import type { DecayScope } from '../training/gradient-step.js';
import { runTrainingPhase } from '../training/train-loop.js';
import { DEFAULT_TRAINING, resolveTrainingConfig, type TrainingConfig } from '../training/training-config.js';
import { splitTrainingData, type TrainingData } from '../training/training-data.js';
import { maskLogits } from './class-mask.js';
import type { ExperienceRun } from './experience-run.js';
import type { StrategyPlugin, TrainingInfo } from './plugin.js';
import { checkStateHeader, collectPrefixed, type StateParts } from './state-codec.js';
import { STRATEGY_STATE_FORMAT, STRATEGY_STATE_VERSION, type PhaseReport, type Strategy, type StrategyContext, type StrategyState, type TrainReport } from './strategy.js';
import { StrategyStateError, StrategyUsageError } from './strategy-errors.js';

const SCENARIO_KINDS: readonly ScenarioKind[] = ['task-incremental', 'class-incremental', 'domain-incremental'];

/**
 * Class masking of logits with a single head.
 * - `train: 'experience'`: in training, logits of classes outside the current
 *   experience are masked (finite large negative), so the loss only pits the
 *   experience's classes against each other;
 * - `predict: 'seen'`: at prediction, classes not seen in any trained
 *   experience get -Infinity (they can never be predicted).
 * Multi-head networks are never masked (each head has only its task's classes).
 */
export interface ClassMasking {
  readonly train?: 'none' | 'experience';
  readonly predict?: 'none' | 'seen';
}

/** Options every strategy built on {@link BaseStrategy} accepts. */
export interface BaseStrategyOptions {
  /** Training settings for every phase (over the strategy's defaults). */
  readonly training?: Partial<TrainingConfig>;
  /** Per-experience overrides (epochs and batch size per experience, ...), over `training`. */
  readonly trainingFor?: (experience: Experience) => Partial<TrainingConfig> | undefined;
  /** The strategy's own plugins (run before the context's). */
  readonly plugins?: readonly StrategyPlugin[];
  /** Default `{ train: 'none', predict: 'seen' }` (ours). */
  readonly classMasking?: ClassMasking;
}

/**
 * The shared implementation of {@link Strategy} over a MaskedNetwork: context
 * checks, heads, the hooks around an experience, phases through the shared
 * loop, prediction with class masking, checkpoints. A strategy implements
 * {@link BaseStrategy.trainExperience} (calling {@link BaseStrategy.runPhase}
 * once or more) and, for masks, {@link BaseStrategy.prepareForward}. The
 * network is owned by the strategy from construction (disposed with it).
 */
export abstract class BaseStrategy implements Strategy {
  abstract readonly name: string;
  readonly network: MaskedNetwork;
  readonly plugins: readonly StrategyPlugin[];
  protected readonly options: BaseStrategyOptions;
  protected readonly trainingDefaults: TrainingConfig;
  protected scenarioKind: ScenarioKind | undefined;
  /** Global class ids of every trained experience. */
  protected readonly seenClasses = new Set<number>();
  /** Task ids trained, in order. */
  protected readonly trainedTasks: number[] = [];
  private currentClasses: readonly number[] = [];
  private disposedFlag = false;
  /** The parameter of each variable seen by decayScope (null: not a parameter's variable). */
  private readonly parameterOfVariable = new WeakMap<tf.Variable, Parameter | null>();

  /**
   * @param network the model to train (owned by the strategy from now on)
   * @param options user options
   * @param strategyDefaults the strategy's training defaults (its paper's), under `options.training`
   */
  constructor(network: MaskedNetwork, options: BaseStrategyOptions = {}, strategyDefaults: Partial<TrainingConfig> = {}) {
    this.network = network;
    this.options = options;
    this.plugins = [...(options.plugins ?? [])];
    this.trainingDefaults = resolveTrainingConfig(DEFAULT_TRAINING, strategyDefaults, options.training);
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** The settings a phase of `experience` runs with, before phase overrides. */
  trainingConfigFor(experience: Experience, overrides?: Partial<TrainingConfig>): TrainingConfig {
    return resolveTrainingConfig(this.trainingDefaults, this.options.trainingFor?.(experience), overrides);
  }

  async train(experience: Experience, context: StrategyContext): Promise<TrainReport> {
    this.checkLive();
    const started = performance.now();
    this.acceptKind(context.scenarioKind);
    const taskId = this.networkTask(experience.taskId);
    this.ensureHead(experience, taskId);
    this.beforeExperienceCheck(experience, taskId);
    const rng = (context.rng ?? Rng.fromSeed(context.seed ?? 0)).stream(`experience/${experience.index}`);
    const plugins = [...this.plugins, ...(context.plugins ?? [])];
    this.currentClasses = experience.classes;
    const run: ExperienceRun = { experience, taskId, context, rng, plugins, info: this.outsideInfo(experience, taskId, rng), phases: [], steps: 0 };
    for (const p of plugins) await p.beforeTraining?.(run.info);
    for (const p of plugins) await p.beforeTrainingExperience?.(run.info);
    await this.trainExperience(run);
    for (const c of experience.classes) this.seenClasses.add(c);
    if (!this.trainedTasks.includes(taskId)) this.trainedTasks.push(taskId);
    for (const p of plugins) await p.afterTrainingExperience?.(run.info);
    for (const p of plugins) await p.afterTraining?.(run.info);
    return { strategy: this.name, experience: experience.index, taskId, phases: [...run.phases], seconds: (performance.now() - started) / 1000 };
  }

  /** Trains one experience: one or more {@link BaseStrategy.runPhase} calls plus the strategy's own steps. */
  protected abstract trainExperience(run: ExperienceRun): Promise<void>;

  /** Called before training starts (after the head exists): throw StrategyUsageError to refuse the experience. */
  protected beforeExperienceCheck(_experience: Experience, _taskId: number): void {
    // Default: every experience is accepted.
  }

  /**
   * Installs what the forward pass of task `taskId` needs (a mask strategy's
   * masks) for `mode`. Called before every phase (`train`) and every predict
   * (`predict`); the default does nothing.
   */
  protected prepareForward(_taskId: number, _mode: 'train' | 'predict'): void {
    // Default: the network is used as it is.
  }

  /** Variables trained in a phase for task `taskId` (default: the network's trainable variables). */
  protected trainableVariables(taskId: number): tf.Variable[] {
    return this.network.trainableVariables(taskId);
  }

  /**
   * Where weight decay applies on `variable` (default: the parameter's
   * trainable mask, else everywhere; 'none' for non-parameters). Called for
   * every variable on every step with weight decay, so the parameter of a
   * variable is looked up in an index, rebuilt only for a variable not seen
   * before (the network's parameters() builds a map on every call).
   */
  protected decayScope(variable: tf.Variable): DecayScope {
    const p = this.parameterOf(variable);
    return p === null ? 'none' : (p.trainableMask ?? 'all');
  }

  /**
   * The mask the optimiser applies to `variable`'s gradient: its parameter's
   * trainable mask when set with `trainableIn: 'optimizer'`, else undefined.
   */
  protected gradientMask(variable: tf.Variable): tf.Tensor | undefined {
    return this.parameterOf(variable)?.optimizerMask;
  }

  /** The parameter whose variable `variable` is (null: none), from an index rebuilt only for a variable not seen before. */
  private parameterOf(variable: tf.Variable): Parameter | null {
    let p = this.parameterOfVariable.get(variable);
    if (p === undefined) {
      for (const q of this.network.parameters().values()) this.parameterOfVariable.set(q.variable, q);
      p = this.parameterOfVariable.get(variable) ?? null;
      this.parameterOfVariable.set(variable, p);
    }
    return p;
  }

  /**
   * Runs one phase of the shared loop on the experience's training split (or
   * `data`), validating on its validation split. `overrides` over the
   * experience's settings (e.g. PackNet's retraining epochs).
   */
  protected async runPhase(
    run: ExperienceRun,
    phase: string,
    overrides?: Partial<TrainingConfig>,
    extra: { readonly data?: TrainingData; readonly variables?: readonly tf.Variable[] } = {},
  ): Promise<PhaseReport> {
    this.prepareForward(run.taskId, 'train');
    const config = this.trainingConfigFor(run.experience, overrides);
    const report = await runTrainingPhase({
      phase,
      config,
      strategy: this.name,
      network: this.network,
      experience: run.experience,
      taskId: run.taskId,
      scenarioKind: run.context.scenarioKind,
      rng: run.rng,
      data: extra.data ?? splitTrainingData(run.experience.train),
      ...(run.experience.validation !== undefined ? { validation: run.experience.validation } : {}),
      variables: extra.variables ?? this.trainableVariables(run.taskId),
      forward: (x, taskId, training) => this.forward(x, taskId, training),
      decayScope: (v) => this.decayScope(v),
      gradientMask: (v) => this.gradientMask(v),
      plugins: run.plugins,
      ...(run.context.progress !== undefined ? { progress: run.context.progress } : {}),
      ...(run.context.signal !== undefined ? { signal: run.context.signal } : {}),
      stepOffset: run.steps,
    });
    run.phases.push(report);
    run.steps += report.steps;
    return report;
  }

  /** Logits of the network for task `taskId` (network task), with training-time class masking. The caller disposes them. */
  protected forward(x: tf.Tensor, taskId: number, training: boolean): tf.Tensor {
    const logits = this.network.apply(x, { taskId, training });
    if (!training || this.network.heads.multiHead || (this.options.classMasking?.train ?? 'none') === 'none') return logits;
    const masked = maskLogits(logits, this.currentClasses, TRAINING_MASK_VALUE);
    logits.dispose();
    return masked;
  }

  predict(inputs: tf.Tensor, taskId?: number): tf.Tensor {
    const t = this.predictionTask(taskId);
    this.prepareForward(t, 'predict');
    const logits = this.forward(inputs, t, false);
    const allowed = this.predictionClasses();
    if (allowed === undefined) return logits;
    const masked = maskLogits(logits, allowed);
    logits.dispose();
    return masked;
  }

  /**
   * The network predict(x, taskId) runs, as plain arrays: every layer's
   * effective weights with the task's masks or transforms installed (as
   * predict installs them), the task's batch-norm statistics and head, and
   * the classes predict can return. Same task-id rules as predict; syncs data.
   */
  taskWeights(taskId?: number): TaskNetworkWeights {
    const t = this.predictionTask(taskId);
    this.prepareForward(t, 'predict');
    const allowed = this.predictionClasses();
    return readTaskNetwork(this.network, { strategy: this.name, taskId, networkTask: t, ...(allowed !== undefined ? { allowedClasses: [...allowed] } : {}) });
  }

  /** Checks a task id given to predict against the scenario and heads; returns the network task. */
  private predictionTask(taskId: number | undefined): number {
    this.checkLive();
    const kind = this.scenarioKind;
    if (taskId !== undefined && kind !== undefined && kind !== 'task-incremental') {
      throw new StrategyUsageError(this.name, `predict got task id ${taskId} in a ${kind} scenario (task ids are given only in task-incremental ones)`);
    }
    if (taskId === undefined && this.network.heads.multiHead) {
      throw new StrategyUsageError(this.name, 'predict needs a task id: the network has one head per task');
    }
    if (taskId !== undefined && (!Number.isInteger(taskId) || taskId < 0)) throw new InvalidArgumentError('taskId', taskId, 'a non-negative integer');
    return taskId === undefined ? 0 : this.networkTask(taskId);
  }

  /** The classes a single-head predict may return (others get -Infinity); undefined when predict masks nothing. */
  private predictionClasses(): ReadonlySet<number> | undefined {
    if (this.network.heads.multiHead || (this.options.classMasking?.predict ?? 'seen') === 'none' || this.seenClasses.size === 0) return undefined;
    return this.seenClasses;
  }

  state(): StrategyState {
    this.checkLive();
    const extra = this.stateParts();
    const tensors: Record<string, Float32Array> = {};
    for (const [name, values] of this.network.getWeights()) tensors[`weights/${name}`] = values;
    Object.assign(tensors, extra.tensors);
    return {
      format: STRATEGY_STATE_FORMAT,
      version: STRATEGY_STATE_VERSION,
      strategy: this.name,
      model: this.network.descriptor() as unknown as JsonValue,
      meta: {
        scenarioKind: this.scenarioKind ?? null,
        seenClasses: [...this.seenClasses].sort((a, b) => a - b),
        trainedTasks: [...this.trainedTasks],
        ...extra.meta,
      },
      tensors,
      blobs: { ...extra.blobs },
    };
  }

  load(state: StrategyState): void {
    this.checkLive();
    checkStateHeader(state, this.name, this.network.descriptor());
    const kind = state.meta['scenarioKind'];
    if (kind !== null && !SCENARIO_KINDS.includes(kind as ScenarioKind)) throw new StrategyStateError('meta.scenarioKind', `expected a scenario kind or null, got ${JSON.stringify(kind)}`);
    const seen = numberList(state.meta['seenClasses'], 'meta.seenClasses');
    const tasks = numberList(state.meta['trainedTasks'], 'meta.trainedTasks');
    const commit = this.restoreParts(state);
    const weights = collectPrefixed(state.tensors, 'weights/');
    const model = state.model as { heads?: { taskId: number; classes: number }[] };
    if (this.network.heads.multiHead) {
      for (const h of model.heads ?? []) if (!this.network.heads.hasHead(h.taskId)) this.network.addHead(h.taskId, h.classes);
    }
    this.network.setWeights(weights);
    this.scenarioKind = kind === null ? undefined : (kind as ScenarioKind);
    this.seenClasses.clear();
    for (const c of seen) this.seenClasses.add(c);
    this.trainedTasks.length = 0;
    this.trainedTasks.push(...tasks);
    commit();
  }

  /** The strategy's own checkpoint parts (names prefixed by the strategy); default none. */
  protected stateParts(): StateParts {
    return { meta: {}, tensors: {}, blobs: {} };
  }

  /** Validates the strategy's own checkpoint parts (throw StrategyStateError) and returns a function that applies them. */
  protected restoreParts(_state: StrategyState): () => void {
    return () => undefined;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposeExtra();
    this.network.dispose();
    this.disposedFlag = true;
  }

  /** Frees the strategy's own tensors (called once by dispose). */
  protected disposeExtra(): void {
    // Default: nothing beyond the network.
  }

  /** The task id the network uses for scenario task `taskId`: itself in task-incremental scenarios, else 0. */
  protected networkTask(taskId: number): number {
    return this.scenarioKind === undefined || this.scenarioKind === 'task-incremental' ? taskId : 0;
  }

  protected checkLive(): void {
    if (this.disposedFlag) throw new StrategyUsageError(this.name, 'used after dispose()');
  }

  private acceptKind(kind: ScenarioKind): void {
    if (!SCENARIO_KINDS.includes(kind)) throw new InvalidArgumentError('context.scenarioKind', kind, SCENARIO_KINDS.join(', '));
    if (this.scenarioKind !== undefined && this.scenarioKind !== kind) {
      throw new StrategyUsageError(this.name, `trained on a ${this.scenarioKind} scenario, now given a ${kind} one`);
    }
    if (kind === 'task-incremental' && !this.network.heads.multiHead && this.requiresMultiHead()) {
      throw new StrategyUsageError(this.name, 'needs a multi-head network (one head per task) in task-incremental scenarios');
    }
    this.scenarioKind = kind;
  }

  /** Whether the strategy needs one head per task (mask strategies); default false. */
  protected requiresMultiHead(): boolean {
    return false;
  }

  private ensureHead(experience: Experience, taskId: number): void {
    const heads = this.network.heads;
    if (heads.multiHead) {
      if (!heads.hasHead(taskId)) this.network.addHead(taskId, experience.numClasses);
      else if (heads.classes(taskId) < experience.numClasses) {
        throw new StrategyUsageError(this.name, `head of task ${taskId} has ${heads.classes(taskId)} classes, experience ${experience.index} needs ${experience.numClasses}`);
      }
    } else if (heads.classes(0) < experience.numClasses) {
      throw new StrategyUsageError(this.name, `the shared head has ${heads.classes(0)} classes, experience ${experience.index} needs ${experience.numClasses}`);
    }
    this.network.prepareTask(taskId);
  }

  private outsideInfo(experience: Experience, taskId: number, rng: Rng): TrainingInfo {
    const kind = this.scenarioKind as ScenarioKind;
    return {
      strategy: this.name,
      network: this.network,
      experience,
      taskId,
      scenarioKind: kind,
      phase: '',
      epoch: -1,
      epochs: 0,
      iteration: -1,
      step: 0,
      learningRate: this.trainingConfigFor(experience).optimizer.learningRate,
      rng,
      setLearningRate: (lr: number) => {
        throw new InvalidArgumentError('setLearningRate', lr, 'a call inside a training phase (epoch or iteration hooks)');
      },
      requestStop: () => undefined,
      forward: (x, t, training) => {
        this.prepareForward(t, training ? 'train' : 'predict');
        return this.forward(x, t, training);
      },
    };
  }
}

function numberList(value: JsonValue | undefined, field: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new StrategyStateError(field, `expected a list of integers, got ${JSON.stringify(value)}`);
  }
  return value as number[];
}
