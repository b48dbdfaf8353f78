import { encodeStore, measureStoreSize, SubnetworkStore, type JsonValue, type NamedTensor, type OwnershipMap, type ParameterTensorSpec } from '@retain/masks';
import { ownershipWithHeads } from './head-quantization.js';
import { restoreValues, type StoredWeights } from './quantized-record.js';
import type { StoredBytesReport } from './task-report.js';

/** What Ada-QPacknet keeps of one frozen task besides its claims (which live in the ownership map). */
export interface FrozenTaskRecord {
  /** Scenario task id. */
  readonly taskId: number;
  /** Ownership / store id (task id + 1). */
  readonly ownerId: number;
  /**
   * Codes and codebook / scales by kernel name (kernels where the task kept
   * nothing have none); with `quantizeHeads`, also the task's head kernels.
   */
  readonly entries: ReadonlyMap<string, StoredWeights>;
  /** The task's head (float32; with `quantizeHeads` only its biases, the kernels being quantised entries). */
  readonly heads: readonly NamedTensor[];
  /** The task's batch-norm parameters and statistics. */
  readonly batchNorm: readonly NamedTensor[];
  /** Stored with the task (bit width, sparsities, accuracies). */
  readonly metadata: JsonValue;
}

/**
 * The sub-network store of Ada-QPacknet's frozen tasks: a copy of the
 * ownership map (each task's claimed slots at its code width, so one 32-bit
 * slot may hold several tasks' codes), each task's packed codes with its
 * codebooks (k-means) or scales and zero points (linear), its head and
 * batch-norm state, its metadata, and the tensors every task shares (frozen
 * biases). Store ids are ownership ids (task id + 1). Quantised heads
 * (`quantizedHeads`: the head kernels some task stores codes of) are added
 * to the store's tensors, each claimed whole by its task at its code width
 * (see {@link ownershipWithHeads}).
 */
export function buildSubnetworkStore(architecture: JsonValue, ownership: OwnershipMap, tasks: Iterable<FrozenTaskRecord>, shared: readonly NamedTensor[], quantizedHeads: readonly ParameterTensorSpec[] = []): SubnetworkStore {
  const records = [...tasks];
  const store = new SubnetworkStore({ architecture, ownership: ownershipWithHeads(ownership, quantizedHeads, records) });
  for (const task of records) {
    store.addTask(task.ownerId);
    for (const entry of task.entries.values()) store.setQuantization(task.ownerId, entry);
    store.setHeads(task.ownerId, task.heads);
    store.setBatchNorm(task.ownerId, task.batchNorm);
    store.setMetadata(task.ownerId, task.metadata);
  }
  store.setShared(shared);
  return store;
}

/**
 * The same store with every quantised entry replaced by the float32 values it
 * restores: what the tasks' float sub-networks (same slots, 32 bits per kept
 * weight) would take. For size comparisons.
 */
export function floatEquivalentStore(store: SubnetworkStore): SubnetworkStore {
  const out = new SubnetworkStore({ architecture: store.architecture, ownership: store.ownership.clone() });
  for (const id of store.taskIds()) {
    const record = store.task(id);
    out.addTask(id);
    for (const entry of record.quantization.values()) {
      const claim = store.ownership.claimOf(id, entry.tensor);
      if (claim === undefined) continue;
      out.setQuantization(id, { tensor: entry.tensor, scheme: 'float32', values: restoreValues(entry, claim.slots) });
    }
    out.setHeads(id, record.heads);
    out.setBatchNorm(id, record.batchNorm);
    out.setMetadata(id, record.metadata);
  }
  out.setShared(store.shared);
  return out;
}

/** The bytes `store` takes, encoded (task `ownerId`'s sections, codes, codebooks), against its float sub-networks and a dense model of `denseModelBytes`. */
export function storedBytesReport(store: SubnetworkStore, ownerId: number, denseModelBytes: number): StoredBytesReport {
  const size = measureStoreSize(encodeStore(store));
  return {
    total: size.totalBytes,
    task: size.bytesByTask.get(ownerId) ?? 0,
    codes: size.codes,
    codebooks: size.codebooks,
    floatSubnetworks: encodeStore(floatEquivalentStore(store)).length,
    denseModel: denseModelBytes,
  };
}
