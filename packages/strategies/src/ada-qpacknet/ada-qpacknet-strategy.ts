import { InvalidArgumentError, initialValues, tf, type JsonValue, type MaskedNetwork, type Rng } from '@retain/core';
import { BitMask, decodeStore, encodeStore, type NamedTensor, type SubnetworkStore } from '@retain/masks';
import type { Experience } from '@retain/scenarios';
import type { ExperienceRun } from '../framework/experience-run.js';
import { MaskStrategy } from '../framework/mask-strategy.js';
import type { StrategyPlugin } from '../framework/plugin.js';
import { requireBlob, type StateParts } from '../framework/state-codec.js';
import type { PhaseReport, StrategyContext, StrategyState } from '../framework/strategy.js';
import { StrategyStateError } from '../framework/strategy-errors.js';
import type { TrainingConfig } from '../training/training-config.js';
import { adaQPacknetMachine, type AdaQPacknetAction, type AdaQPacknetPhase } from './ada-qpacknet-phases.js';
import { ADA_QPACKNET_TRAINING, resolveAdaQPacknetOptions, settingsJson, type AdaQPacknetOptions, type AdaQPacknetSettings } from './ada-qpacknet-options.js';
import { assembleWeights, type OwnedValues } from './effective-weights.js';
import { heldOutData, type HeldOutData } from './held-out-data.js';
import { pruneToBase } from './prune-to-base.js';
import { readFrozenTask, type FrozenTask } from './frozen-task.js';
import { installConstant, isBatchNormParameter, namedTensor, reinitSpec } from './parameter-tensors.js';
import { candidateSlots, claimKeptSlots, summarizeCapacity } from './slot-capacity.js';
import { runSparsityTrials } from './sparsity-trials.js';
import { buildSubnetworkStore, storedBytesReport } from './subnetwork-store.js';
import { headKernels, headsToQuantize, installQuantizedHeads, quantizedHeadSpecs, splitHeadQuantization } from './head-quantization.js';
import { quantizeTask, type QuantizedTask } from './task-quantization.js';
import type { AdaQPacknetTaskReport, AdaQPacknetTrainReport, SparsityTrialReport } from './task-report.js';

/** Scratch state of the task being trained. */
interface TaskWork {
  readonly ownerId: number;
  readonly candidates: Map<string, BitMask>;
  readonly candidateBytes: Map<string, Uint8Array>;
  /** What each slot holds when the task does not keep it (earlier tasks' values, or 0). */
  readonly base: Map<string, Float32Array>;
  keepFractions: Readonly<Record<string, number>>;
  kept: Map<string, BitMask>;
  steps: number;
}

const STORE_BLOB = 'ada-qpacknet/store';

/**
 * Ada-QPacknet (Pietroń, Żurek, Faber, Corizzo, "Ada-QPacknet: adaptive
 * pruning with bit width reduction as an efficient continual learning method
 * without forgetting", ECAI 2023, arXiv 2308.07939). Every weight of the
 * shared kernels is a 32-bit slot. Per task t: the candidates are the slots
 * with at least `reserveBits` bits left (untouched ones re-initialised, shared
 * ones starting from the value earlier tasks' codes restore); an adaptive
 * per-layer sparsity search picks how many to keep; the task trains with
 * earlier tasks' weights frozen (their gradients zeroed) and magnitude
 * pruning of its own (a pruned candidate falls back to the earlier value, or
 * 0); its kept weights are quantised post-training (k-means or linear) at the
 * width the bit-width search picks on held-out data; it claims b bits of each
 * kept slot, so later tasks may still store codes in the slot's remaining
 * bits. Inference for task t: each slot takes the value of the latest task
 * <= t storing a code in it, dequantised with that task's codebook/scale
 * (precomputed once per task), plus task t's head and batch norm. Zero
 * forgetting by construction. See the package README for the details.
 */
export class AdaQPacknetStrategy extends MaskStrategy<AdaQPacknetPhase, AdaQPacknetAction> {
  readonly name = 'ada-qpacknet';
  /** The options with every default filled in. */
  readonly settings: AdaQPacknetSettings;
  private frozen = new Map<number, FrozenTask>();
  private reports: AdaQPacknetTaskReport[] = [];
  private effective = new Map<number, Map<string, tf.Tensor>>();
  private work: TaskWork | undefined;

  /**
   * @param network the model (owned by the strategy from now on; disposed
   *   here when the options are refused)
   * @param options see {@link AdaQPacknetOptions}; bad ones throw InvalidArgumentError
   */
  constructor(network: MaskedNetwork, options: AdaQPacknetOptions = {}) {
    let settings: AdaQPacknetSettings;
    try {
      settings = resolveAdaQPacknetOptions(options);
    } catch (error) {
      network.dispose();
      throw error;
    }
    super(network, options, ADA_QPACKNET_TRAINING, adaQPacknetMachine());
    this.settings = settings;
    const fixed = settings.sparsity;
    if (typeof fixed === 'object') {
      const names = this.maskable.map((p) => p.name);
      const unknown = Object.keys(fixed).find((name) => !names.includes(name));
      const missing = names.find((name) => !(name in fixed));
      if (unknown !== undefined || missing !== undefined) {
        network.dispose();
        throw new InvalidArgumentError(`sparsity.${unknown ?? missing ?? ''}`, fixed, `one sparsity per kernel (${names.join(', ')})`);
      }
    }
  }

  /** Trains `experience`; the report carries the task's Ada-QPacknet report. */
  override async train(experience: Experience, context: StrategyContext): Promise<AdaQPacknetTrainReport> {
    const report = await super.train(experience, context);
    return { ...report, adaQPacknet: this.reports[this.reports.length - 1] as AdaQPacknetTaskReport };
  }

  /** The report of every frozen task, in training order. */
  taskReports(): AdaQPacknetTaskReport[] {
    return this.reports.map((r) => structuredClone(r));
  }

  /** The sub-network store of every frozen task (a new object each call). */
  subnetworkStore(): SubnetworkStore {
    const shared: NamedTensor[] = [];
    const masked = new Set(this.maskable);
    for (const p of this.network.parameters().values()) if (p.taskId === undefined && !masked.has(p)) shared.push(namedTensor(p));
    const heads = quantizedHeadSpecs(this.network, this.maskable, this.frozen.values());
    return buildSubnetworkStore(this.network.descriptor() as unknown as JsonValue, this.ownership, this.frozen.values(), shared, heads);
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    const taskId = run.taskId;
    this.activeTask = taskId;
    const held = heldOutData(run.experience, this.settings.holdout, run.rng.stream('ada-qpacknet/holdout'));
    const config = this.trainingConfigFor(run.experience);
    const accuracy = (): number => held.accuracy((x) => this.forward(x, taskId, false), config.evalBatchSize);
    this.work = this.beginTask(this.ownerId(taskId), run.rng.stream('ada-qpacknet/reinit'));
    let trials: SparsityTrialReport[] | undefined;
    if (this.settings.sparsity === 'search') {
      this.machine.apply('search');
      this.invalidateMasks();
      trials = await this.searchSparsity(run, held, accuracy);
    } else {
      const s = this.settings.sparsity;
      this.work.keepFractions = Object.fromEntries(this.maskable.map((p) => [p.name, 1 - (typeof s === 'number' ? s : (s[p.name] ?? 0))]));
    }
    this.machine.apply('train');
    this.invalidateMasks();
    this.work.steps = 0;
    const trained = await this.runTaskPhase(run, 'train', undefined, held);
    this.machine.apply('prune');
    this.work.kept = this.pruneNow();
    this.invalidateMasks();
    const retrain = this.settings.retrainEpochs ?? (this.settings.pruning === 'post' ? Math.max(1, Math.round(trained.epochsPlanned / 2)) : 0);
    if (retrain > 0) {
      this.machine.apply('retrain');
      this.invalidateMasks();
      await this.runTaskPhase(run, 'retrain', { epochs: retrain }, held);
    }
    this.machine.apply('quantize');
    const quantized = await this.quantize(taskId, held, config);
    this.freeze(run, held, quantized, trials);
  }

  /** Candidates, base values and the task's starting weights (untouched candidates re-initialised). */
  private beginTask(ownerId: number, rng: Rng): TaskWork {
    const work: TaskWork = { ownerId, candidates: new Map(), candidateBytes: new Map(), base: new Map(), keepFractions: {}, kept: new Map(), steps: 0 };
    const init = this.network.descriptor().options['init'];
    for (const p of this.maskable) {
      const candidates = candidateSlots(this.ownership, ownerId, p.name, this.settings.reserveBits, this.settings.reuseSlots);
      const base = assembleWeights(p.size, this.ownedValues(p.name), ownerId);
      const start = base.slice();
      const fresh = initialValues(reinitSpec(init, p.shape), p.shape, rng.stream(p.name));
      const used = this.ownership.bitsUsed(p.name);
      candidates.forEachSet((i) => {
        if (used[i] === 0) start[i] = fresh[i] as number;
      });
      p.write(start);
      work.candidates.set(p.name, candidates);
      work.candidateBytes.set(p.name, candidates.toUint8Array());
      work.base.set(p.name, base);
    }
    return work;
  }

  /** One run of the shared loop with the dynamic-pruning hook first among the plugins. */
  private async runTaskPhase(run: ExperienceRun, name: string, overrides: Partial<TrainingConfig> | undefined, held: HeldOutData): Promise<PhaseReport> {
    const pruner: StrategyPlugin = { name: 'ada-qpacknet/dynamic-pruning', afterUpdate: () => this.afterStep() };
    const inner: ExperienceRun = { ...run, plugins: [pruner, ...run.plugins] };
    try {
      return await this.runPhase(inner, name, overrides, { data: held.training });
    } finally {
      run.steps = inner.steps;
    }
  }

  private afterStep(): void {
    const work = this.work;
    if (work === undefined || this.settings.pruning !== 'dynamic') return;
    if (this.phase !== 'searching' && this.phase !== 'training') return;
    work.steps++;
    if (work.steps % this.settings.pruneInterval === 0) this.pruneNow();
  }

  /** Magnitude-prunes every kernel's candidates to the keep fractions (pruned ones back to base); returns the kept slots. */
  private pruneNow(): Map<string, BitMask> {
    const work = this.work as TaskWork;
    const kept = new Map<string, BitMask>();
    for (const p of this.maskable) {
      const w = p.read();
      const keep = pruneToBase(w, work.candidateBytes.get(p.name) as Uint8Array, work.base.get(p.name) as Float32Array, work.keepFractions[p.name] ?? 1);
      p.write(w);
      kept.set(p.name, BitMask.fromDense(keep));
    }
    return kept;
  }

  /** The adaptive sparsity search: each candidate trains briefly from the task's start and is scored on held-out data. */
  private async searchSparsity(run: ExperienceRun, held: HeldOutData, accuracy: () => number): Promise<SparsityTrialReport[]> {
    const work = this.work as TaskWork;
    const layers: Record<string, number> = {};
    for (const p of this.maskable) {
      const n = work.candidates.get(p.name)?.popcount() ?? 0;
      if (n > 0) layers[p.name] = n;
    }
    const fixedFull = Object.fromEntries(this.maskable.map((p) => [p.name, 1]));
    if (Object.keys(layers).length === 0) {
      work.keepFractions = fixedFull;
      return [];
    }
    const result = await runSparsityTrials({
      layers,
      variables: [...this.network.parameters().values()].map((p) => p.variable),
      settings: this.settings.sparsitySearch,
      rng: run.rng.stream('ada-qpacknet/search'),
      trial: async (keepFractions) => {
        work.keepFractions = { ...fixedFull, ...keepFractions };
        work.steps = 0;
        await this.runTaskPhase(run, 'search', { epochs: this.settings.sparsitySearch.trialEpochs, earlyStopping: undefined }, held);
        this.pruneNow();
        return accuracy();
      },
    });
    work.keepFractions = { ...fixedFull, ...result.keepFractions };
    run.context.progress?.({ type: 'note', experience: run.experience.index, taskId: run.taskId, phase: 'search', message: `sparsity ${JSON.stringify(result.sparsities)} (held-out accuracy ${result.accuracy.toFixed(4)})` });
    return result.trials;
  }

  /** Post-training quantisation with the bit-width search, measured on held-out data (with `quantizeHeads`, of the head kernels too). */
  private async quantize(taskId: number, held: HeldOutData, config: TrainingConfig): Promise<QuantizedTask> {
    const work = this.work as TaskWork;
    const heads = this.settings.quantizeHeads ? headKernels(this.network, taskId) : [];
    try {
      return await quantizeTask({
        kernels: [...this.maskable.map((p) => ({ name: p.name, shape: p.shape, weights: p.read(), kept: work.kept.get(p.name) as BitMask })), ...headsToQuantize(heads)],
        method: this.settings.quantization,
        kmeans: this.settings.kmeans,
        perChannel: this.settings.perChannel,
        bits: this.settings.bits,
        bitSearch: this.settings.bitSearch,
        accuracy: (weights) => {
          for (const p of [...this.maskable, ...heads]) installConstant(p, weights.get(p.name) as Float32Array, true);
          this.invalidateMasks();
          return held.accuracy((x) => this.network.apply(x, { taskId, training: false }), config.evalBatchSize);
        },
      });
    } finally {
      for (const p of heads) p.clearMasks();
      this.invalidateMasks();
    }
  }

  /** The task claims its kept slots at its width, its record is stored, shared parameters freeze. */
  private freeze(run: ExperienceRun, held: HeldOutData, q: QuantizedTask, trials: SparsityTrialReport[] | undefined): void {
    this.machine.check('freeze');
    const work = this.work as TaskWork;
    const taskId = run.taskId;
    const kernels = this.maskable.map((p) => ({ name: p.name, candidates: work.candidates.get(p.name), kept: work.kept.get(p.name) as BitMask, keepFraction: work.keepFractions[p.name] ?? 1 }));
    const { layers, bitsCharged } = claimKeptSlots(this.ownership, work.ownerId, kernels, q.bits);
    const heads = this.settings.quantizeHeads ? headKernels(this.network, taskId) : [];
    const split = splitHeadQuantization(q, heads);
    installQuantizedHeads(heads, split.headRestored);
    const restored = new Map<string, OwnedValues>();
    for (const [name, values] of split.kernelRestored) restored.set(name, { ownerId: work.ownerId, slots: work.kept.get(name) as BitMask, values });
    const own = [...this.network.parameters().values()].filter((p) => p.taskId === taskId);
    const metadata = { taskId, bits: q.bits, quantization: this.settings.quantization, sparsity: Object.fromEntries(Object.entries(layers).map(([n, l]) => [n, l.sparsity])), accuracy: { float: q.floatAccuracy, quantized: q.quantizedAccuracy } };
    this.frozen.set(taskId, {
      taskId,
      ownerId: work.ownerId,
      entries: q.entries,
      restored,
      heads: own.filter((p) => !isBatchNormParameter(p) && !split.headEntries.has(p.name)).map(namedTensor),
      batchNorm: own.filter(isBatchNormParameter).map(namedTensor),
      metadata,
    });
    this.freezeUnmaskedShared();
    this.machine.apply('freeze');
    this.work = undefined;
    this.activeTask = undefined;
    this.invalidateMasks();
    const storedBytes = storedBytesReport(this.subnetworkStore(), this.ownerId(taskId), this.network.countParameters() * 4);
    const report: AdaQPacknetTaskReport = {
      taskId,
      ownerId: this.ownerId(taskId),
      experience: run.experience.index,
      layers,
      ...(trials !== undefined ? { sparsitySearch: trials } : {}),
      quantization: this.settings.quantization,
      bits: q.bits,
      ...(q.trace !== undefined ? { bitSearch: q.trace } : {}),
      withinThreshold: q.withinThreshold,
      accuracy: { float: q.floatAccuracy, quantized: q.quantizedAccuracy },
      heldOut: { source: held.source, samples: held.size },
      bitsCharged,
      capacity: summarizeCapacity(this.ownership, this.settings.reserveBits),
      storedBytes,
    };
    this.reports.push(report);
    run.context.progress?.({
      type: 'note',
      experience: run.experience.index,
      taskId,
      phase: 'freeze',
      message: `${q.bits}-bit ${this.settings.quantization} (held-out accuracy float ${q.floatAccuracy.toFixed(4)}, quantised ${q.quantizedAccuracy.toFixed(4)}); store ${storedBytes.total} bytes; ${(100 * report.capacity.freeFraction).toFixed(1)} % of the kernel bits free`,
    });
  }

  /** What each frozen task stores in kernel `name`. */
  private ownedValues(name: string): OwnedValues[] {
    const out: OwnedValues[] = [];
    for (const t of this.frozen.values()) {
      const o = t.restored.get(name);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  /** Task `taskId`'s effective kernels, built once and cached. */
  private effectiveKernels(taskId: number): Map<string, tf.Tensor> {
    let cached = this.effective.get(taskId);
    if (cached === undefined) {
      const ownerId = this.ownerId(taskId);
      cached = new Map(this.maskable.map((p) => [p.name, tf.keep(tf.tensor(assembleWeights(p.size, this.ownedValues(p.name), ownerId), [...p.shape], 'float32'))]));
      this.effective.set(taskId, cached);
    }
    return cached;
  }

  protected maskKey(taskId: number, active: boolean): string {
    return active ? `active:${taskId}:${this.phase}` : `frozen:${taskId}`;
  }

  protected installMasks(taskId: number, active: boolean): void {
    if (!active) {
      const kernels = this.effectiveKernels(taskId);
      for (const p of this.maskable) {
        const t = kernels.get(p.name) as tf.Tensor;
        p.setTransform({ apply: () => t });
      }
      return;
    }
    const work = this.work as TaskWork;
    const phase = this.phase;
    const sets = phase === 'searching' || phase === 'training' ? work.candidates : work.kept;
    for (const p of this.maskable) p.setMasks({ trainable: this.maskTensor(p, sets.get(p.name) ?? new BitMask(p.size)), trainableIn: 'optimizer' });
  }

  protected abandonAction(): AdaQPacknetAction {
    return 'abandon';
  }

  protected dropTaskState(): void {
    this.work = undefined;
  }

  protected idlePhase(): AdaQPacknetPhase {
    return 'idle';
  }

  protected override stateParts(): StateParts {
    const base = super.stateParts();
    return {
      meta: { ...base.meta, adaQPacknet: { settings: settingsJson(this.settings), tasks: [...this.frozen.keys()], reports: this.reports as unknown as JsonValue } },
      tensors: base.tensors,
      blobs: { ...base.blobs, [STORE_BLOB]: encodeStore(this.subnetworkStore()) },
    };
  }

  protected override restoreParts(state: StrategyState): () => void {
    const commitBase = super.restoreParts(state);
    const meta = state.meta['adaQPacknet'] as { tasks?: unknown; reports?: unknown } | undefined;
    if (meta === undefined || meta === null || !Array.isArray(meta.tasks) || meta.tasks.some((t) => !Number.isInteger(t)) || !Array.isArray(meta.reports)) {
      throw new StrategyStateError('meta.adaQPacknet', 'expected { settings, tasks: [task ids], reports: [...] }');
    }
    let store: SubnetworkStore;
    try {
      store = decodeStore(requireBlob(state, STORE_BLOB));
    } catch (error) {
      if (error instanceof StrategyStateError) throw error;
      throw new StrategyStateError(`blobs["${STORE_BLOB}"]`, (error as Error).message);
    }
    const frozen = new Map<number, FrozenTask>();
    for (const taskId of meta.tasks as number[]) frozen.set(taskId, readFrozenTask(state, STORE_BLOB, store, taskId, this.ownerId(taskId), this.maskable));
    const reports = structuredClone(meta.reports) as unknown as AdaQPacknetTaskReport[];
    return () => {
      commitBase();
      this.disposeEffective();
      this.frozen = frozen;
      this.reports = reports;
    };
  }

  private disposeEffective(): void {
    for (const m of this.effective.values()) for (const t of m.values()) t.dispose();
    this.effective.clear();
  }

  protected override disposeExtra(): void {
    this.network.clearMasks();
    this.disposeEffective();
  }
}
