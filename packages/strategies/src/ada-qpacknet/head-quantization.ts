import type { MaskedNetwork, Parameter } from '@retain/core';
import { BitMask, OwnershipMap, type ParameterTensorSpec } from '@retain/masks';
import { isBatchNormParameter } from './parameter-tensors.js';
import { entryBits, type StoredWeights } from './quantized-record.js';
import type { KernelToQuantize, QuantizedTask } from './task-quantization.js';

/**
 * The head kernels of task `taskId` (its own output layer's weight matrices;
 * biases and batch norm excluded): what `quantizeHeads` quantises.
 */
export function headKernels(network: MaskedNetwork, taskId: number): Parameter[] {
  return [...network.parameters().values()].filter((p) => p.taskId === taskId && p.role === 'kernel' && !isBatchNormParameter(p));
}

/** Head kernels as kernels to quantise: every slot kept, the current (trained float) values. */
export function headsToQuantize(heads: readonly Parameter[]): KernelToQuantize[] {
  return heads.map((p) => ({ name: p.name, shape: p.shape, weights: p.read(), kept: BitMask.full(p.size) }));
}

/** A task's quantisation split into its shared kernels' part and its heads' part. */
export interface SplitQuantization {
  /** Entries of the shared (masked) kernels, by name. */
  readonly kernelEntries: ReadonlyMap<string, StoredWeights>;
  /** Values the kernels' entries restore (one per kept slot), by name. */
  readonly kernelRestored: ReadonlyMap<string, Float32Array>;
  /** Entries of the head kernels, by name. */
  readonly headEntries: ReadonlyMap<string, StoredWeights>;
  /** Values the heads' entries restore (one per weight, every slot), by name. */
  readonly headRestored: ReadonlyMap<string, Float32Array>;
}

/** Splits `q` by whether a tensor is one of `heads`. */
export function splitHeadQuantization(q: QuantizedTask, heads: readonly Parameter[]): SplitQuantization {
  const names = new Set(heads.map((p) => p.name));
  const pick = <T>(m: ReadonlyMap<string, T>, head: boolean): Map<string, T> => new Map([...m].filter(([name]) => names.has(name) === head));
  return { kernelEntries: pick(q.entries, false), kernelRestored: pick(q.restored, false), headEntries: pick(q.entries, true), headRestored: pick(q.restored, true) };
}

/**
 * Writes the dequantised head values into the head parameters (clearing any
 * transform), so the task's inference reads exactly what the store restores.
 */
export function installQuantizedHeads(heads: readonly Parameter[], restored: ReadonlyMap<string, Float32Array>): void {
  for (const p of heads) {
    p.clearMasks();
    const values = restored.get(p.name);
    if (values !== undefined) p.write(values);
  }
}

/**
 * The ownership map of a sub-network store that also holds quantised heads:
 * `ownership`'s tensors, claims and own masks, plus one tensor per spec of
 * `heads` (tensors outside the shared network) where every task storing a
 * quantised entry of it (`entries(taskId)`) claims all its slots at the
 * entry's code width. Returns a clone of `ownership` when `heads` is empty.
 */
export function ownershipWithHeads(ownership: OwnershipMap, heads: readonly ParameterTensorSpec[], tasks: Iterable<{ readonly ownerId: number; readonly entries: ReadonlyMap<string, StoredWeights> }>): OwnershipMap {
  if (heads.length === 0) return ownership.clone();
  const out = new OwnershipMap([...ownership.tensors, ...heads]);
  const ids = ownership.taskIds();
  for (const spec of ownership.tensors) {
    for (const id of ids) {
      const claim = ownership.claimOf(id, spec.name);
      if (claim !== undefined) out.claim(id, spec.name, claim.slots, claim.bits);
      const mask = ownership.taskMask(id, spec.name);
      if (mask !== undefined) out.setTaskMask(id, spec.name, mask);
    }
  }
  const sorted = [...tasks].sort((a, b) => a.ownerId - b.ownerId);
  for (const spec of heads) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    for (const task of sorted) {
      const entry = task.entries.get(spec.name);
      if (entry !== undefined) out.claim(task.ownerId, spec.name, BitMask.full(size), entryBits(entry));
    }
  }
  return out;
}

/**
 * Specs of the tensors outside the shared kernels `kernels` that `tasks`
 * store quantised entries of (their quantised head kernels), shapes read
 * from `network`, in first-seen order.
 */
export function quantizedHeadSpecs(network: MaskedNetwork, kernels: readonly Parameter[], tasks: Iterable<{ readonly entries: ReadonlyMap<string, StoredWeights> }>): ParameterTensorSpec[] {
  const shared = new Set(kernels.map((p) => p.name));
  const specs = new Map<string, ParameterTensorSpec>();
  for (const task of tasks) {
    for (const name of task.entries.keys()) if (!shared.has(name) && !specs.has(name)) specs.set(name, { name, shape: [...network.parameter(name).shape] });
  }
  return [...specs.values()];
}
