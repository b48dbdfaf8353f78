import { tf, type JsonValue, type MaskedNetwork } from '@retain/core';
import { BitMask } from '@retain/masks';
import { samSaliency, sharpnessSaliency } from '@retain/pruning';
import type { ExperienceRun } from '../framework/experience-run.js';
import { NestedMaskStrategy } from '../framework/nested-mask-strategy.js';
import type { StateParts } from '../framework/state-codec.js';
import type { StrategyState } from '../framework/strategy.js';
import { countCorrect, crossEntropy } from '../training/loss.js';
import { esaclMachine, type EsaclAction, type EsaclPhase } from './esacl-phases.js';
import { checkSparsity, resolveEsaclSettings, type EsaclOptions, type EsaclSettings } from './esacl-options.js';
import { selectInstances } from './instance-scores.js';
import { oneShotKeepMasks, type EsaclPruning } from './one-shot-prune.js';
import { samTrainingPlugin } from './sam-plugin.js';
import { gatherSubset, scoreSplit, subsetTensorBatches, subsetTrainingData, type SampleSubset } from './training-subset.js';

const PROBE_SAMPLES = 1000;

/** What EsaCL reports after each task. */
export interface EsaclTaskReport {
  readonly taskId: number;
  readonly pruning: EsaclPruning;
  /** Free weights the task trained, over the masked kernels. */
  readonly freeWeights: number;
  /** Weights the task kept (owns from now on). */
  readonly keptWeights: number;
  /** 1 - kept / free. */
  readonly sparsity: number;
  /** Samples in the IDS subset (undefined with IDS off). */
  readonly idsSamples: number | undefined;
  /** Training samples processed (every epoch, all phases). */
  readonly trainedSamples: number;
  /** Samples the pruning statistics were computed on (0 for magnitude pruning). */
  readonly statisticsSamples: number;
  /** Accuracy before and after the one-shot pruning (what pruning without retraining costs), on the validation split or 1,000 training samples. */
  readonly accuracyBeforePruning: number;
  readonly accuracyAfterPruning: number;
}

/**
 * EsaCL (Ren and Honavar, "EsaCL: Efficient Continual Learning of Sparse
 * Models", arXiv 2401.05667, 2024), in our reading of its abstract (no code
 * or formulas are public; see the package README): per task, the free
 * weights train with SAM (two gradient evaluations per step); IDS keeps the
 * highest-loss fraction of the task's samples (class-balanced) after a
 * warm-up; on that subset the sharpness-informed saliency
 * |w g| + 0.5 w^2 h (g, h at the SAM point) ranks the task's free weights;
 * the lowest are pruned in one shot, with no retraining; the kept weights
 * are frozen as the task's mask (PackNet-style nested ownership), the pruned
 * ones zeroed and freed for later tasks. Per-task heads; shared biases train
 * with the first task only. Earlier tasks' weights never change: zero
 * forgetting. `pruning: 'magnitude'` and `ids: false` switch each idea off.
 */
export class EsaclStrategy extends NestedMaskStrategy<EsaclPhase, EsaclAction> {
  readonly name = 'esacl';
  private readonly settings: EsaclSettings;
  private readonly reportList: EsaclTaskReport[] = [];

  constructor(network: MaskedNetwork, options: EsaclOptions = {}) {
    super(network, options, {}, esaclMachine());
    this.settings = resolveEsaclSettings(options);
  }

  /** The resolved settings. */
  get config(): EsaclSettings {
    return this.settings;
  }

  /** Reports of the tasks learnt, in order. */
  get reports(): readonly EsaclTaskReport[] {
    return [...this.reportList];
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    this.machine.apply('train');
    this.activeTask = run.taskId;
    this.invalidateMasks();
    const s = this.settings;
    const plugins = s.samRho > 0 ? [samTrainingPlugin({ rho: s.samRho }), ...run.plugins] : run.plugins;
    const inner: ExperienceRun = { ...run, plugins };
    const epochs = this.trainingConfigFor(run.experience).epochs;
    const phase = async (name: string, count: number, subset?: SampleSubset): Promise<number> => {
      if (count <= 0) return 0;
      const report = await this.runPhase(inner, name, { epochs: count }, subset === undefined ? {} : { data: subsetTrainingData(subset) });
      run.steps = inner.steps;
      return report.samples;
    };
    let trained = 0;
    let stats: SampleSubset;
    let idsSamples: number | undefined;
    if (s.ids === false) {
      trained += await phase('train', epochs);
      stats = this.statisticsSample(run, this.allIndices(run));
    } else {
      const warmup = s.ids.scope === 'training' ? Math.min(s.ids.warmupEpochs, epochs) : epochs;
      trained += await phase(s.ids.scope === 'training' ? 'warmup' : 'train', warmup);
      const scored = scoreSplit((x) => this.forward(x, run.taskId, false), run.experience.train, s.ids.criterion);
      const chosen = selectInstances(scored.scores, scored.labels, s.ids.fraction, s.ids.classBalanced);
      const subset = gatherSubset(run.experience.train, chosen);
      idsSamples = subset.size;
      trained += await phase('train', epochs - warmup, subset);
      stats = this.statisticsSample(run, chosen, subset);
    }
    const report = this.prune(run, stats, trained, idsSamples);
    this.reportList.push(report);
    run.context.progress?.({
      type: 'note',
      experience: run.experience.index,
      taskId: run.taskId,
      phase: 'prune',
      message: `${report.pruning} one-shot pruning kept ${report.keptWeights} of ${report.freeWeights} free weights; accuracy (validation or 1,000 training samples) ${report.accuracyBeforePruning.toFixed(4)} -> ${report.accuracyAfterPruning.toFixed(4)}`,
    });
    this.freeze(run.taskId);
  }

  private allIndices(run: ExperienceRun): Uint32Array {
    return Uint32Array.from({ length: run.experience.train.size }, (_, i) => i);
  }

  /** The samples the statistics use: `indices` of the training split, capped by statisticsSamples (seeded choice). */
  private statisticsSample(run: ExperienceRun, indices: Uint32Array, gathered?: SampleSubset): SampleSubset {
    const cap = this.settings.statisticsSamples;
    if (cap === undefined || cap >= indices.length) return gathered ?? gatherSubset(run.experience.train, indices);
    const order = Uint32Array.from(indices);
    run.rng.stream('esacl/statistics').shuffle(order);
    return gatherSubset(run.experience.train, order.slice(0, cap).sort());
  }

  /**
   * Where the cost of pruning is measured: the experience's validation split
   * when it has one, else a seeded random sample of at most 1,000 training
   * samples (ours; the IDS subset holds the hardest samples, a biased probe).
   */
  private pruningProbe(run: ExperienceRun): SampleSubset {
    const split = run.experience.validation ?? run.experience.train;
    const order = Uint32Array.from({ length: split.size }, (_, i) => i);
    if (split.size > PROBE_SAMPLES) run.rng.stream('esacl/probe').shuffle(order);
    return gatherSubset(split, order.slice(0, PROBE_SAMPLES).sort());
  }

  /** Accuracy of the active task's forward pass (masks of the current phase) on `subset`. */
  private accuracyOn(run: ExperienceRun, subset: SampleSubset): number {
    if (subset.size === 0) return 0;
    let correct = 0;
    for (const b of subsetTensorBatches(subset, 1000)) {
      try {
        const logits = this.forward(b.x, run.taskId, false);
        correct += countCorrect(logits, b.y);
        logits.dispose();
      } finally {
        b.x.dispose();
        b.y.dispose();
      }
    }
    return correct / subset.size;
  }

  /** One-shot pruning of the active task's free weights; zeroes the pruned ones. */
  private prune(run: ExperienceRun, stats: SampleSubset, trainedSamples: number, idsSamples: number | undefined): EsaclTaskReport {
    this.machine.check('prune');
    const s = this.settings;
    const id = this.ownerId(run.taskId);
    const sparsity = checkSparsity(typeof s.sparsity === 'function' ? s.sparsity(run.experience.index) : s.sparsity);
    const free = this.maskable.map((p) => this.ownership.trainable(id, p.name, 32));
    const weights = this.maskable.map((p) => p.read());
    const scores = s.pruning === 'sdp' ? this.sharpnessScores(run, stats) : undefined;
    const probe = this.pruningProbe(run);
    const before = this.accuracyOn(run, probe);
    const keep = oneShotKeepMasks(
      this.maskable.map((p, i) => ({ name: p.name, weights: weights[i] as Float32Array, free: (free[i] as BitMask).indices(), ...(scores !== undefined ? { scores: scores[i] as Float32Array } : {}) })),
      sparsity,
      s.pruning,
      s.pruneScope,
    );
    const kept = new Map<string, BitMask>();
    let freeCount = 0;
    let keptCount = 0;
    this.maskable.forEach((p, i) => {
      const mask = keep.get(p.name) as Uint8Array;
      const w = weights[i] as Float32Array;
      (free[i] as BitMask).forEachSet((j) => {
        if (mask[j] === 0) w[j] = 0;
      });
      p.write(w);
      const k = BitMask.fromDense(mask);
      kept.set(p.name, k);
      freeCount += (free[i] as BitMask).popcount();
      keptCount += k.popcount();
    });
    this.kept = kept;
    this.machine.apply('prune');
    this.invalidateMasks();
    const after = this.accuracyOn(run, probe);
    return {
      taskId: run.taskId,
      pruning: s.pruning,
      freeWeights: freeCount,
      keptWeights: keptCount,
      sparsity: freeCount === 0 ? 0 : 1 - keptCount / freeCount,
      idsSamples,
      trainedSamples,
      statisticsSamples: s.pruning === 'sdp' ? stats.size : 0,
      accuracyBeforePruning: before,
      accuracyAfterPruning: after,
    };
  }

  /**
   * Sharpness-informed saliency |w g| + 0.5 w^2 h of every masked kernel's
   * weights on `stats`: g the mean gradient at each batch's SAM point, h the
   * mean squared batch gradient there times the batch size (a per-sample
   * Fisher estimate of the curvature; ours). Frozen weights score 0.
   */
  private sharpnessScores(run: ExperienceRun, stats: SampleSubset): Float32Array[] {
    const batches = subsetTensorBatches(stats, this.settings.statisticsBatchSize);
    try {
      const losses = batches.map((b) => () => crossEntropy(this.forward(b.x, run.taskId, false), b.y));
      const result = samSaliency(losses, this.maskable.map((p) => p.variable), { rho: this.settings.samRho });
      // The mean squared batch gradient underestimates the per-sample Fisher by the batch size (ours: rescale it).
      const scale = stats.size / batches.length;
      return result.weights.map((w, i) => sharpnessSaliency(w, result.gradients[i] as Float32Array, Float32Array.from(result.curvature[i] as Float32Array, (h) => h * scale)));
    } finally {
      for (const b of batches) tf.dispose([b.x, b.y]);
    }
  }

  protected override stateParts(): StateParts {
    const base = super.stateParts();
    return { ...base, meta: { ...base.meta, esacl: this.reportList as unknown as JsonValue } };
  }

  protected override restoreParts(state: StrategyState): () => void {
    const commit = super.restoreParts(state);
    const reports = state.meta['esacl'];
    const list = Array.isArray(reports) ? (reports as unknown as EsaclTaskReport[]) : [];
    return () => {
      commit();
      this.reportList.length = 0;
      this.reportList.push(...list);
    };
  }

  protected abandonAction(): EsaclAction {
    return 'abandon';
  }

  protected idlePhase(): EsaclPhase {
    return 'idle';
  }
}
