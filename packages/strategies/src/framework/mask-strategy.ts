import type { JsonValue, MaskedNetwork, Parameter, tf } from '@retain/core';
import { MAX_TASK_ID, OwnershipMap, decodeMask, encodeMask, maskToTensor, type BitMask } from '@retain/masks';
import type { Experience } from '@retain/scenarios';
import type { TrainingConfig } from '../training/training-config.js';
import { BaseStrategy, type BaseStrategyOptions } from './base-strategy.js';
import type { PhaseMachine } from './phase-machine.js';
import { requireBlob, type StateParts } from './state-codec.js';
import type { StrategyState } from './strategy.js';
import { InvalidTransitionError, StrategyStateError, StrategyUsageError } from './strategy-errors.js';

/** One claim in a checkpoint's metadata. */
interface ClaimMeta {
  readonly task: number;
  readonly tensor: string;
  readonly bits: number;
}

/**
 * The base of every mask strategy (PackNet, WSN; Ada-QPacknet, EsaCL next):
 * an {@link OwnershipMap} over the shared kernels (dense and convolution
 * weights; tasks are owners 1.., owner = task id + 1), a {@link PhaseMachine}
 * the subclass defines, masks installed per (task, phase) and cached, shared
 * biases and shared batch norm trained with the first task and frozen after
 * it (PackNet's rule), per-task heads and per-task batch norm trained with
 * their task, one training per task in increasing task-id order, and
 * checkpoints of the ownership (claims and own masks, bit-packed).
 * Task-incremental scenarios only: the task id selects the sub-network.
 */
export abstract class MaskStrategy<P extends string, A extends string> extends BaseStrategy {
  private ownershipValue: OwnershipMap;
  /** The masked kernels, in network order. */
  protected readonly maskable: readonly Parameter[];
  protected readonly machine: PhaseMachine<P, A>;
  /** The task being trained (between its train and freeze steps). */
  protected activeTask: number | undefined;
  private installed: string | undefined;

  constructor(network: MaskedNetwork, options: BaseStrategyOptions, defaults: Partial<TrainingConfig>, machine: PhaseMachine<P, A>) {
    super(network, options, defaults);
    this.maskable = [...network.parameters().values()].filter((p) => p.role === 'kernel' && p.taskId === undefined && p.learnable);
    this.ownershipValue = new OwnershipMap(this.maskable.map((p) => ({ name: p.name, shape: p.shape })));
    this.machine = machine;
  }

  /** Who owns which weight of each masked kernel (replaced, not mutated, by load()). */
  get ownership(): OwnershipMap {
    return this.ownershipValue;
  }

  /** The state machine's phase now. */
  get phase(): P {
    return this.machine.phase;
  }

  /** The ownership id of task `taskId` (OwnershipMap keeps 0 for "free"). */
  protected ownerId(taskId: number): number {
    return taskId + 1;
  }

  protected override requiresMultiHead(): boolean {
    return true;
  }

  protected override beforeExperienceCheck(experience: Experience, taskId: number): void {
    if (this.machine.phase !== this.idlePhase()) {
      throw new InvalidTransitionError(this.machine.name, this.machine.phase, `train task ${taskId}`, [...this.machine.allowed()]);
    }
    if (this.scenarioKind !== 'task-incremental') {
      throw new StrategyUsageError(this.name, `needs the task id to pick a sub-network: task-incremental scenarios only (got ${String(this.scenarioKind)})`);
    }
    if (this.trainedTasks.includes(taskId)) throw new StrategyUsageError(this.name, `task ${taskId} is trained and frozen already; each task trains once`);
    const last = Math.max(-1, ...this.trainedTasks);
    if (taskId < last) throw new StrategyUsageError(this.name, `task ids must increase (experience ${experience.index} has task ${taskId} after task ${last}): earlier tasks see every lower id's weights`);
    if (this.ownerId(taskId) > MAX_TASK_ID) throw new StrategyUsageError(this.name, `task id ${taskId} exceeds ${MAX_TASK_ID - 1}`);
  }

  /**
   * Freezes the shared parameters that are not masked (biases, shared batch
   * norm): called after the first task, so later tasks cannot change what an
   * earlier task's forward pass reads.
   */
  protected freezeUnmaskedShared(): void {
    const masked = new Set(this.maskable);
    for (const p of this.network.parameters().values()) {
      if (p.learnable && p.taskId === undefined && !masked.has(p)) p.frozen = true;
    }
  }

  /** Cache key of the masks the forward pass of task `taskId` needs now (depends on phase for the active task). */
  protected abstract maskKey(taskId: number, active: boolean): string;

  /** Installs on every masked kernel what the forward pass of `taskId` needs (masks or transforms). */
  protected abstract installMasks(taskId: number, active: boolean): void;

  /** Makes the next forward pass rebuild the masks (after a step that changes them). */
  protected invalidateMasks(): void {
    this.installed = undefined;
  }

  protected override prepareForward(taskId: number): void {
    const active = taskId === this.activeTask;
    if (!active && !this.trainedTasks.includes(taskId)) throw new StrategyUsageError(this.name, `task ${taskId} has not been trained`);
    const key = this.maskKey(taskId, active);
    if (key === this.installed) return;
    this.installMasks(taskId, active);
    this.installed = key;
  }

  protected override forward(x: tf.Tensor, taskId: number, training: boolean): tf.Tensor {
    this.prepareForward(taskId);
    return super.forward(x, taskId, training);
  }

  /** `mask` as a 0/1 float32 tensor of the parameter's shape (the caller owns it; setMasks takes it over). */
  protected maskTensor(p: Parameter, mask: BitMask): tf.Tensor {
    return maskToTensor(mask, p.shape);
  }

  /**
   * Puts the machine back to its start after an interrupted task (an abort,
   * an error in a plugin): releases what the task claimed and drops its
   * half-trained state. Valid only while a task is in progress.
   */
  abandonTask(): void {
    this.machine.apply(this.abandonAction());
    if (this.activeTask !== undefined) {
      const id = this.ownerId(this.activeTask);
      if (this.ownership.taskIds().includes(id)) this.ownership.releaseTask(id);
    }
    this.activeTask = undefined;
    this.dropTaskState();
    this.invalidateMasks();
  }

  /** The machine's action that abandons a task in progress. */
  protected abstract abandonAction(): A;

  /** Drops the subclass's per-task scratch state (called by abandonTask). */
  protected abstract dropTaskState(): void;

  /** The machine's phase between tasks (checkpoints are taken there only). */
  protected abstract idlePhase(): P;

  protected override stateParts(): StateParts {
    if (this.machine.phase !== this.idlePhase()) throw new InvalidTransitionError(this.machine.name, this.machine.phase, 'checkpoint', [`finish or abandon the task first`]);
    const claims: ClaimMeta[] = [];
    const masks: ClaimMeta[] = [];
    const blobs: Record<string, Uint8Array> = {};
    for (const id of this.ownership.taskIds()) {
      for (const p of this.maskable) {
        const claim = this.ownership.claimOf(id, p.name);
        if (claim !== undefined) {
          claims.push({ task: id, tensor: p.name, bits: claim.bits });
          blobs[`ownership/claim/${id}/${p.name}`] = encodeMask(claim.slots, { coding: 'raw' });
        }
        const own = this.ownership.taskMask(id, p.name);
        if (own !== undefined) {
          masks.push({ task: id, tensor: p.name, bits: 0 });
          blobs[`ownership/mask/${id}/${p.name}`] = encodeMask(own, { coding: 'raw' });
        }
      }
    }
    return {
      meta: { phase: this.machine.phase, claims: claims as unknown as JsonValue, ownMasks: masks as unknown as JsonValue },
      tensors: {},
      blobs,
    };
  }

  protected override restoreParts(state: StrategyState): () => void {
    const phase = state.meta['phase'];
    if (phase !== this.idlePhase()) throw new StrategyStateError('meta.phase', `expected '${this.idlePhase()}' (checkpoints are taken between tasks), got ${JSON.stringify(phase)}`);
    const fresh = new OwnershipMap(this.ownership.tensors);
    const claims = metaList(state.meta['claims'], 'meta.claims');
    const masks = metaList(state.meta['ownMasks'], 'meta.ownMasks');
    try {
      // Ascending task ids: bit offsets inside a slot are derived from that order.
      for (const c of [...claims].sort((a, b) => a.task - b.task)) {
        fresh.claim(c.task, c.tensor, decodeMask(requireBlob(state, `ownership/claim/${c.task}/${c.tensor}`)), c.bits);
      }
      for (const m of masks) fresh.setTaskMask(m.task, m.tensor, decodeMask(requireBlob(state, `ownership/mask/${m.task}/${m.tensor}`)));
    } catch (error) {
      if (error instanceof StrategyStateError) throw error;
      throw new StrategyStateError('ownership', `does not fit this network: ${(error as Error).message}`);
    }
    return () => {
      this.ownershipValue = fresh;
      this.activeTask = undefined;
      this.dropTaskState();
      if (this.trainedTasks.length > 0) this.freezeUnmaskedShared();
      this.invalidateMasks();
    };
  }
}

function metaList(value: JsonValue | undefined, field: string): ClaimMeta[] {
  if (!Array.isArray(value)) throw new StrategyStateError(field, 'expected a list');
  return value.map((v, i) => {
    const o = v as { task?: unknown; tensor?: unknown; bits?: unknown } | null;
    if (o === null || typeof o !== 'object' || !Number.isInteger(o.task) || typeof o.tensor !== 'string' || !Number.isInteger(o.bits)) {
      throw new StrategyStateError(`${field}[${i}]`, `expected { task, tensor, bits }, got ${JSON.stringify(v)}`);
    }
    return { task: o.task as number, tensor: o.tensor, bits: o.bits as number };
  });
}

