import { InvalidArgumentError, Rng, initialValues, tf, type MaskedNetwork, type Parameter } from '@retain/core';
import { BitMask, decodeMask, encodeMask, type SubnetworkStore } from '@retain/masks';
import { selectTopFraction, wsnMaskedWeight } from '@retain/pruning';
import type { BaseStrategyOptions } from '../framework/base-strategy.js';
import type { ExperienceRun } from '../framework/experience-run.js';
import { floatSubnetworkStore } from '../framework/float-subnetwork-store.js';
import { MaskStrategy } from '../framework/mask-strategy.js';
import { requireTensor, type StateParts } from '../framework/state-codec.js';
import type { StrategyState } from '../framework/strategy.js';
import { StrategyStateError } from '../framework/strategy-errors.js';
import type { DecayScope } from '../training/gradient-step.js';
import type { TrainingConfig } from '../training/training-config.js';
import { wsnMachine, type WsnAction, type WsnPhase } from './wsn-phases.js';

/** Options of {@link WsnStrategy}. */
export interface WsnOptions extends BaseStrategyOptions {
  /** Capacity c: the fraction of each layer's weights a task's mask selects (top-c % of |scores|). Default 0.5. */
  readonly capacity?: number;
  /** Coding of the stored per-task masks: `auto` (range-coded when smaller, default), `raw` (bit-packed) or `range`. */
  readonly maskCoding?: 'auto' | 'raw' | 'range';
  /** Seed of the scores' initial values (default the network's descriptor seed). */
  readonly scoreSeed?: number;
}

/** WSN's paper defaults for permuted MNIST: Adam lr 1e-3, batch 10, 5 epochs. */
export const WSN_PMNIST_TRAINING: Partial<TrainingConfig> = {
  epochs: 5,
  batchSize: 10,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
};

/** Default capacity c. */
export const WSN_DEFAULT_CAPACITY = 0.5;

/**
 * WSN, Winning SubNetworks (Kang et al., ICML 2022). Every masked kernel has
 * a learnable score per weight (initialised like a kernel: he-uniform from
 * the seeded 'masks' stream). Training task t: effective weight = w x
 * top-c%(|scores|), the gradient passes straight through the top-c selection
 * to the scores, and weights an earlier task selected get zero gradient
 * (reused, never changed). After training, the task's binary mask is fixed:
 * stored encoded (bit-packed or range-coded), the weights it newly selected
 * are claimed (frozen), and inference for task t applies task t's own mask
 * with its own head. Biases and shared batch norm train with the first task
 * only (WSN's networks have none; use `bias: false` to match). Scores are
 * shared by all tasks and keep training; only the stored masks matter for
 * inference.
 */
export class WsnStrategy extends MaskStrategy<WsnPhase, WsnAction> {
  readonly name = 'wsn';
  /** Capacity c. */
  readonly capacity: number;
  private readonly scores = new Map<string, tf.Variable>();
  private readonly coding: 'auto' | 'raw' | 'range';
  /** Encoded masks, by task id then kernel name. */
  private readonly encoded = new Map<number, Map<string, Uint8Array>>();
  /** Free-weight gradient masks of the active task (owned by the installed transforms). */
  private freeMasks = new Map<tf.Variable, tf.Tensor>();

  constructor(network: MaskedNetwork, options: WsnOptions = {}) {
    super(network, options, WSN_PMNIST_TRAINING, wsnMachine());
    const c = options.capacity ?? WSN_DEFAULT_CAPACITY;
    if (!(c > 0 && c <= 1)) throw new InvalidArgumentError('capacity', c, 'a fraction in (0, 1]');
    this.capacity = c;
    this.coding = options.maskCoding ?? 'auto';
    const seed = options.scoreSeed ?? Number(network.descriptor().options['seed'] ?? 0);
    const rng = Rng.fromSeed(seed).stream('masks');
    for (const p of this.maskable) {
      const init = tf.tensor(initialValues('heUniform', p.shape, rng.stream(p.name)), [...p.shape], 'float32');
      this.scores.set(p.name, tf.variable(init, true, `wsn/scores/${p.name}/${seedTag()}`));
      init.dispose();
    }
  }

  protected async trainExperience(run: ExperienceRun): Promise<void> {
    this.machine.apply('train');
    this.activeTask = run.taskId;
    this.invalidateMasks();
    await this.runPhase(run, 'train');
    this.consolidate(run.taskId);
    run.context.progress?.({
      type: 'note',
      experience: run.experience.index,
      taskId: run.taskId,
      phase: 'consolidate',
      message: `mask stored in ${this.maskBytes(run.taskId)} bytes; ${this.usedFraction().toFixed(3)} of the kernel weights used by some task`,
    });
  }

  /** Fixes task `taskId`'s mask from the scores, claims the weights it newly selected, stores it encoded. */
  private consolidate(taskId: number): void {
    this.machine.check('consolidate');
    const id = this.ownerId(taskId);
    const masks = new Map<string, Uint8Array>();
    for (const p of this.maskable) {
      const mask = this.currentMask(p);
      const free = this.ownership.trainable(id, p.name, 32);
      this.ownership.claim(id, p.name, mask.and(free), 32);
      this.ownership.setTaskMask(id, p.name, mask);
      masks.set(p.name, encodeMask(mask, { coding: this.coding }));
    }
    this.encoded.set(taskId, masks);
    this.freezeUnmaskedShared();
    this.machine.apply('consolidate');
    this.activeTask = undefined;
    this.invalidateMasks();
  }

  /** The top-c % of |scores| of kernel `p` now, as the forward pass selects it. */
  private currentMask(p: Parameter): BitMask {
    const scores = (this.scores.get(p.name) as tf.Variable).dataSync() as Float32Array;
    return BitMask.fromDense(selectTopFraction(scores, this.capacity, { rankBy: 'magnitude', field: 'scores', fractionField: 'capacity' }));
  }

  /** Bytes of task `taskId`'s stored masks (all kernels, headers included); 0 for an unknown task. */
  maskBytes(taskId: number): number {
    let n = 0;
    for (const b of this.encoded.get(taskId)?.values() ?? []) n += b.length;
    return n;
  }

  /**
   * The @retain/masks sub-network store of every consolidated task (a new
   * object each call; see {@link floatSubnetworkStore}): per task its own
   * mask of each kernel, the weights it newly claimed as float32, its head
   * and batch norm, plus the shared biases. The store codes the masks with
   * its own default (range-coded when smaller), not `maskCoding`.
   */
  subnetworkStore(): SubnetworkStore {
    const tasks = [...this.encoded.keys()].sort((a, b) => a - b).map((taskId) => ({ taskId, ownerId: this.ownerId(taskId) }));
    return floatSubnetworkStore({ network: this.network, ownership: this.ownership, kernels: this.maskable, tasks });
  }

  /** Task `taskId`'s stored mask of kernel `name`, decoded. */
  taskMask(taskId: number, name: string): BitMask | undefined {
    const bytes = this.encoded.get(taskId)?.get(name);
    return bytes === undefined ? undefined : decodeMask(bytes);
  }

  /** Fraction of the kernels' weights selected by at least one task. */
  usedFraction(): number {
    let used = 0;
    let total = 0;
    for (const p of this.maskable) {
      const c = this.ownership.capacity(p.name);
      used += c.slots - c.freeSlots;
      total += c.slots;
    }
    return total === 0 ? 0 : used / total;
  }

  protected maskKey(taskId: number, active: boolean): string {
    return active ? `active:${taskId}` : `frozen:${taskId}`;
  }

  protected installMasks(taskId: number, active: boolean): void {
    const id = this.ownerId(taskId);
    this.freeMasks = new Map();
    for (const p of this.maskable) {
      if (!active) {
        p.setMasks({ visible: this.maskTensor(p, this.ownership.visible(id, p.name, 'own-mask')) });
        continue;
      }
      const free = tf.keep(this.maskTensor(p, this.ownership.trainable(id, p.name, 32)));
      const scores = this.scores.get(p.name) as tf.Variable;
      const c = this.capacity;
      this.freeMasks.set(p.variable, free);
      p.setTransform({
        // One op: forward w * top-c(scores), gradients dy * mask * free to w and dy * w to the scores.
        apply: (w) => wsnMaskedWeight(w, scores, c, { trainable: free }),
        variables: [scores],
        dispose: () => free.dispose(),
      });
    }
  }

  /** Weight decay only on free weights of the active task; never on scores. */
  protected override decayScope(variable: tf.Variable): DecayScope {
    return this.freeMasks.get(variable) ?? 'none';
  }

  protected abandonAction(): WsnAction {
    return 'abandon';
  }

  protected dropTaskState(): void {
    // The scores keep training across tasks; nothing per task to drop before consolidation.
  }

  protected idlePhase(): WsnPhase {
    return 'idle';
  }

  protected override stateParts(): StateParts {
    const base = super.stateParts();
    const tensors: Record<string, Float32Array> = { ...base.tensors };
    for (const [name, v] of this.scores) tensors[`wsn/scores/${name}`] = Float32Array.from(v.dataSync() as Float32Array);
    const blobs: Record<string, Uint8Array> = { ...base.blobs };
    for (const [task, masks] of this.encoded) for (const [name, bytes] of masks) blobs[`wsn/mask/${task}/${name}`] = bytes;
    return { meta: { ...base.meta, capacity: this.capacity, maskTasks: [...this.encoded.keys()] }, tensors, blobs };
  }

  protected override restoreParts(state: StrategyState): () => void {
    const commitBase = super.restoreParts(state);
    if (state.meta['capacity'] !== this.capacity) throw new StrategyStateError('meta.capacity', `checkpoint capacity ${JSON.stringify(state.meta['capacity'])}, this strategy ${this.capacity}`);
    const tasks = state.meta['maskTasks'];
    if (!Array.isArray(tasks) || tasks.some((t) => !Number.isInteger(t))) throw new StrategyStateError('meta.maskTasks', 'expected a list of task ids');
    const scores = new Map(this.maskable.map((p) => [p.name, requireTensor(state, `wsn/scores/${p.name}`, p.size)]));
    const encoded = new Map<number, Map<string, Uint8Array>>();
    for (const t of tasks as number[]) {
      const masks = new Map<string, Uint8Array>();
      for (const p of this.maskable) {
        const bytes = state.blobs[`wsn/mask/${t}/${p.name}`];
        if (!(bytes instanceof Uint8Array)) throw new StrategyStateError(`blobs["wsn/mask/${t}/${p.name}"]`, 'missing');
        masks.set(p.name, bytes);
      }
      encoded.set(t, masks);
    }
    return () => {
      commitBase();
      for (const [name, values] of scores) {
        const v = this.scores.get(name) as tf.Variable;
        tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
      }
      this.encoded.clear();
      for (const [t, m] of encoded) this.encoded.set(t, m);
    };
  }

  protected override disposeExtra(): void {
    this.network.clearMasks();
    for (const v of this.scores.values()) v.dispose();
    this.scores.clear();
  }
}

let scoreVariables = 0;
/** A unique suffix for score variable names (tfjs variable names are global). */
function seedTag(): number {
  return scoreVariables++;
}
