import { InvalidArgumentError, fans, type JsonValue, type MaskedNetwork, type Parameter } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { estimateDiagonalFisher } from '../baselines/fisher/estimate-fisher.js';
import { BaseStrategy, type BaseStrategyOptions } from '../framework/base-strategy.js';
import type { ExperienceRun } from '../framework/experience-run.js';
import type { StrategyPlugin } from '../framework/plugin.js';
import { requireTensor, type StateParts } from '../framework/state-codec.js';
import type { StrategyState } from '../framework/strategy.js';
import { StrategyStateError, StrategyUsageError } from '../framework/strategy-errors.js';
import { encodeBlipModel, type BlipModelParts, type BlipStoredBytes } from './blip-model-codec.js';
import { BlipParameterState } from './blip-parameter-state.js';
import { BLIP_BOUND_SCALE, BLIP_MAX_BITS, checkMaxBits } from './fixed-point.js';

/** Options of {@link BlipStrategy}. */
export interface BlipOptions extends BaseStrategyOptions {
  /** Most bits frozen per weight, N. Default 20 (the paper's). */
  readonly maxBits?: number;
  /** F_prior: the running Fisher starts at F_prior * fan_in; smaller freezes bits more easily. Default 1e-15 (the paper's MLP value; 5e-16 ... 5e-17 for its CNNs). */
  readonly fisherPrior?: number;
  /** bound = boundScale * sqrt(1 / fan_in). Default 6 (the paper's). */
  readonly boundScale?: number;
  /** Samples of the task's training split the Fisher is averaged over. Default 8,000 (the paper's, about). */
  readonly fisherSamples?: number;
  /** Samples per squared gradient in the Fisher estimate. Default 1: exact per-sample gradients (ours; larger is faster, biased upward). */
  readonly fisherMicroBatchSize?: number;
}

/** What BLIP reports after each task. */
export interface BlipTaskReport {
  readonly taskId: number;
  /** Frozen bits over maxBits x weights, over every BLIP parameter: the fraction of the bit budget used. */
  readonly budgetUsed: number;
  /** Mean frozen bits per weight. */
  readonly meanBits: number;
  /** Bits frozen by this task per weight (mean). */
  readonly addedBitsPerWeight: number;
  /** Fraction of weights at maxBits (frozen for good). */
  readonly saturatedFraction: number;
  /** Fraction of weights with no frozen bit (free). */
  readonly freeFraction: number;
  /** Samples the Fisher was averaged over. */
  readonly fisherSamples: number;
  /**
   * Bytes of the model as serialised by {@link BlipStrategy.serializeModel}
   * after this task (the length of the actual bytes, with their breakdown):
   * each weight at its frozen bit count, bit counts, the trained tasks'
   * heads and other float32 tensors; and one dense float32 model for comparison.
   */
  readonly storedBytes: BlipStoredBytes;
}

/** The paper's Fisher sample count (about 8,000). */
export const BLIP_FISHER_SAMPLES = 8000;
/** The paper's F_prior for MLPs. */
export const BLIP_FISHER_PRIOR = 1e-15;

const FISHER_READ_BATCH = 256;

/**
 * BLIP (Shi, Yuan, Chen and Feng, "Continual Learning via Bit-Level
 * Information Preserving", CVPR 2021). Every shared kernel and bias is a
 * fixed-point number of at most `maxBits` bits in [-bound, bound], bound =
 * 6 * sqrt(1 / fan_in). Per task: plain training, each weight clipped after
 * every optimiser step to within one grid step of its last synced value at
 * its frozen precision; then the diagonal Fisher on the task's data with
 * labels drawn from the model's own predictions (seeded); information gain
 * IG = 0.5 log2((F + (t+1) F_old) / ((t+2) F_old)); ceil(IG) more bits
 * frozen (capped); sync (quantise to the frozen precision); running Fisher
 * updated. Memory per weight is constant in the number of tasks. Heads are
 * per task; other shared parameters (shared batch norm) train with the first
 * task and are frozen after it (ours). Task-incremental only.
 */
export class BlipStrategy extends BaseStrategy {
  readonly name = 'blip';
  private readonly maxBits: number;
  private readonly fisherSamples: number;
  private readonly fisherMicro: number;
  private readonly fisherPrior: number;
  private readonly boundScale: number;
  private readonly states: BlipParameterState[];
  private readonly reportList: BlipTaskReport[] = [];

  constructor(network: MaskedNetwork, options: BlipOptions = {}) {
    super(network, options, { optimizer: { kind: 'sgd', learningRate: 0.01 }, batchSize: 64 });
    this.maxBits = options.maxBits ?? BLIP_MAX_BITS;
    checkMaxBits(this.maxBits);
    this.fisherPrior = options.fisherPrior ?? BLIP_FISHER_PRIOR;
    if (!(this.fisherPrior > 0 && Number.isFinite(this.fisherPrior))) throw new InvalidArgumentError('fisherPrior', this.fisherPrior, 'a finite number > 0');
    this.boundScale = options.boundScale ?? BLIP_BOUND_SCALE;
    this.fisherSamples = options.fisherSamples ?? BLIP_FISHER_SAMPLES;
    if (!(Number.isInteger(this.fisherSamples) && this.fisherSamples > 0)) throw new InvalidArgumentError('fisherSamples', this.fisherSamples, 'a positive integer');
    this.fisherMicro = options.fisherMicroBatchSize ?? 1;
    if (!(Number.isInteger(this.fisherMicro) && this.fisherMicro > 0)) throw new InvalidArgumentError('fisherMicroBatchSize', this.fisherMicro, 'a positive integer');
    this.states = blipParameters(network).map(({ parameter, fanIn }) => new BlipParameterState(parameter, fanIn, this.boundScale, this.fisherPrior));
  }

  /** Reports of the tasks learnt, in order. */
  get reports(): readonly BlipTaskReport[] {
    return [...this.reportList];
  }

  /** Names of the parameters BLIP quantises (shared kernels and biases). */
  get quantizedParameters(): string[] {
    return this.states.map((s) => s.parameter.name);
  }

  /** Frozen bits per weight of parameter `name` (a copy). */
  frozenBits(name: string): Uint8Array {
    return this.stateOf(name).bits;
  }

  /** The range bound of parameter `name`. */
  bound(name: string): number {
    return this.stateOf(name).bound;
  }

  /**
   * Everything inference of the tasks trained so far needs: the quantised
   * parameters (values, frozen bits, bound) and, as float32, every other
   * parameter of the network that is shared or belongs to a trained task
   * (`extraTask`: one more task counted as trained, for the report written
   * while it finishes).
   */
  modelParts(extraTask?: number): BlipModelParts {
    const quantised = new Set(this.states.map((s) => s.parameter));
    const tasks = new Set([...this.trainedTasks, ...(extraTask === undefined ? [] : [extraTask])]);
    return {
      maxBits: this.maxBits,
      quantized: this.states.map((s) => ({ name: s.parameter.name, values: s.parameter.read(), bits: s.bits, bound: s.bound })),
      float: [...this.network.parameters().values()]
        .filter((p) => !quantised.has(p) && (p.taskId === undefined || tasks.has(p.taskId)))
        .map((p) => ({ name: p.name, values: p.read() })),
    };
  }

  /** The model serialised in BLIP's stored format (`encodeBlipModel`; layout in the package README): what {@link BlipTaskReport.storedBytes} counts. */
  serializeModel(): Uint8Array {
    return encodeBlipModel(this.modelParts()).bytes;
  }

  /** The fraction of the bit budget (maxBits per weight) frozen so far. */
  budgetUsed(): number {
    let bits = 0;
    let weights = 0;
    for (const s of this.states) {
      for (const b of s.bits) bits += b;
      weights += s.parameter.size;
    }
    return weights === 0 ? 0 : bits / (weights * this.maxBits);
  }

  protected override requiresMultiHead(): boolean {
    return true;
  }

  protected override beforeExperienceCheck(_experience: Experience, taskId: number): void {
    if (this.scenarioKind !== 'task-incremental') {
      throw new StrategyUsageError(this.name, `uses per-task heads: task-incremental scenarios only (got ${String(this.scenarioKind)})`);
    }
    if (this.trainedTasks.includes(taskId)) throw new StrategyUsageError(this.name, `task ${taskId} is learnt already; its bits are frozen (each task trains once)`);
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    for (const s of this.states) s.openWindow();
    const clipper: StrategyPlugin = {
      name: 'blip-clip',
      afterUpdate: () => {
        for (const s of this.states) s.clip();
      },
    };
    try {
      const inner: ExperienceRun = { ...run, plugins: [clipper, ...run.plugins] };
      await this.runPhase(inner, 'train');
      run.steps = inner.steps;
    } finally {
      for (const s of this.states) s.closeWindow();
    }
    const tasksBefore = this.reportList.length;
    const variables = new Map(this.states.map((s) => [s.parameter.name, s.parameter.variable]));
    const fisher = estimateDiagonalFisher(
      (x) => this.forward(x, run.taskId, false),
      variables,
      run.experience.train.arrayBatches({ batchSize: FISHER_READ_BATCH, shuffle: true, rng: run.rng.stream('blip/fisher-order') }),
      run.experience.train.inputShape,
      { kind: 'true', maxSamples: this.fisherSamples, microBatchSize: this.fisherMicro, rng: run.rng.stream('blip/fisher-labels') },
    );
    let added = 0;
    for (const s of this.states) added += s.learn(fisher.fisher.get(s.parameter.name) as Float32Array, tasksBefore, this.maxBits);
    if (tasksBefore === 0) this.freezeOtherShared();
    const report = this.summarise(run.taskId, added, fisher.samples);
    this.reportList.push(report);
    run.context.progress?.({
      type: 'note',
      experience: run.experience.index,
      taskId: run.taskId,
      phase: 'sync',
      message: `bit budget used ${(100 * report.budgetUsed).toFixed(2)} % (mean ${report.meanBits.toFixed(2)} of ${this.maxBits} bits; ${(100 * report.saturatedFraction).toFixed(1)} % saturated, ${(100 * report.freeFraction).toFixed(1)} % free)`,
    });
  }

  /** Shared learnable parameters BLIP does not quantise (shared batch norm) are frozen after the first task. */
  private freezeOtherShared(): void {
    const quantised = new Set(this.states.map((s) => s.parameter));
    for (const p of this.network.parameters().values()) {
      if (p.learnable && p.taskId === undefined && !quantised.has(p)) p.frozen = true;
    }
  }

  private summarise(taskId: number, added: number, samples: number): BlipTaskReport {
    let weights = 0;
    let bits = 0;
    let saturated = 0;
    let free = 0;
    for (const s of this.states) {
      for (const b of s.bits) {
        bits += b;
        if (b >= this.maxBits) saturated++;
        if (b === 0) free++;
      }
      weights += s.parameter.size;
    }
    const n = Math.max(1, weights);
    const { breakdown } = encodeBlipModel(this.modelParts(taskId));
    return {
      taskId,
      budgetUsed: bits / (n * this.maxBits),
      meanBits: bits / n,
      addedBitsPerWeight: added / n,
      saturatedFraction: saturated / n,
      freeFraction: free / n,
      fisherSamples: samples,
      storedBytes: { ...breakdown, denseModel: this.network.countParameters() * 4 },
    };
  }

  private stateOf(name: string): BlipParameterState {
    const s = this.states.find((x) => x.parameter.name === name);
    if (s === undefined) throw new InvalidArgumentError('name', name, `one of ${this.states.map((x) => x.parameter.name).join(', ')}`);
    return s;
  }

  protected override stateParts(): StateParts {
    const tensors: Record<string, Float32Array> = {};
    for (const s of this.states) {
      const name = s.parameter.name;
      tensors[`blip/bits/${name}`] = Float32Array.from(s.bits);
      tensors[`blip/fisher/${name}`] = s.fisherOld;
      tensors[`blip/prev/${name}`] = s.prev;
    }
    const options = { maxBits: this.maxBits, fisherPrior: this.fisherPrior, boundScale: this.boundScale };
    return { meta: { blip: { options, reports: this.reportList as unknown as JsonValue } }, tensors, blobs: {} };
  }

  protected override restoreParts(state: StrategyState): () => void {
    const meta = state.meta['blip'] as { options?: { maxBits?: unknown; boundScale?: unknown }; reports?: unknown } | undefined;
    if (meta === undefined || typeof meta !== 'object' || !Array.isArray(meta.reports)) throw new StrategyStateError('meta.blip', 'expected { options, reports }');
    if (meta.options?.maxBits !== this.maxBits || meta.options.boundScale !== this.boundScale) {
      throw new StrategyStateError('meta.blip.options', `checkpoint has maxBits ${String(meta.options?.maxBits)} / boundScale ${String(meta.options?.boundScale)}, this strategy ${this.maxBits} / ${this.boundScale}`);
    }
    const restored = this.states.map((s) => {
      const name = s.parameter.name;
      const part = (kind: string): Float32Array => requireTensor(state, `blip/${kind}/${name}`, s.parameter.size);
      const bits = part('bits');
      if (bits.some((b) => !Number.isInteger(b) || b < 0 || b > this.maxBits)) throw new StrategyStateError(`tensors.blip/bits/${name}`, `expected integers in [0, ${this.maxBits}]`);
      return { s, bits: Uint8Array.from(bits), fisher: part('fisher'), prev: part('prev') };
    });
    const reports = meta.reports as BlipTaskReport[];
    return () => {
      for (const r of restored) r.s.restore(r.bits, r.fisher, r.prev);
      this.reportList.length = 0;
      this.reportList.push(...reports);
      if (reports.length > 0) this.freezeOtherShared();
    };
  }

  protected override disposeExtra(): void {
    for (const s of this.states) s.closeWindow();
  }
}

/** The shared kernels and biases of `network` with the fan-in of their layer. */
function blipParameters(network: MaskedNetwork): { parameter: Parameter; fanIn: number }[] {
  const params = [...network.parameters().values()];
  const kernelFanIn = new Map<string, number>();
  for (const p of params) if (p.role === 'kernel') kernelFanIn.set(p.layer, fans(p.shape).fanIn);
  return params
    .filter((p) => p.learnable && p.taskId === undefined && (p.role === 'kernel' || p.role === 'bias'))
    .map((p) => ({ parameter: p, fanIn: p.role === 'kernel' ? fans(p.shape).fanIn : (kernelFanIn.get(p.layer) ?? p.size) }));
}
