import type { JsonValue, MaskedNetwork, Parameter } from '@retain/core';
import type { OwnershipMap, SubnetworkStore } from '@retain/masks';
import { isBatchNormParameter, namedTensor } from '../ada-qpacknet/parameter-tensors.js';
import { buildSubnetworkStore, type FrozenTaskRecord } from '../ada-qpacknet/subnetwork-store.js';

/** What {@link floatSubnetworkStore} needs of a float mask strategy (PackNet, EsaCL, WSN). */
export interface FloatStoreSource {
  /** The model (its descriptor becomes the store's architecture). */
  readonly network: MaskedNetwork;
  /** Who owns which weight slot (claims at 32 bits; WSN's own masks too). */
  readonly ownership: OwnershipMap;
  /** The masked kernels, whose claimed slots are stored as float32. */
  readonly kernels: readonly Parameter[];
  /** The frozen tasks: scenario task id and ownership id (task id + 1). */
  readonly tasks: readonly { readonly taskId: number; readonly ownerId: number }[];
  /** Per-task metadata stored with the task (default `{ taskId }`). */
  readonly metadata?: (taskId: number) => JsonValue;
}

/**
 * The frozen tasks of a float mask strategy as store records: per task and
 * masked kernel, the float32 values of the slots the task claimed (in
 * ascending slot order, `BitMask.gather`; a task that claimed nothing of a
 * kernel has no entry), the task's head, its batch-norm parameters and
 * statistics, its metadata. Reads every kernel once (a data sync each).
 */
export function floatTaskRecords(source: FloatStoreSource): FrozenTaskRecord[] {
  const values = new Map(source.kernels.map((p) => [p.name, p.read()]));
  const parameters = [...source.network.parameters().values()];
  return source.tasks.map(({ taskId, ownerId }) => {
    const entries = new Map<string, { readonly tensor: string; readonly scheme: 'float32'; readonly values: Float32Array }>();
    for (const p of source.kernels) {
      const claim = source.ownership.claimOf(ownerId, p.name);
      if (claim === undefined || claim.slots.isEmpty()) continue;
      entries.set(p.name, { tensor: p.name, scheme: 'float32', values: claim.slots.gather(values.get(p.name) as Float32Array) });
    }
    const own = parameters.filter((p) => p.taskId === taskId);
    return {
      taskId,
      ownerId,
      entries,
      heads: own.filter((p) => !isBatchNormParameter(p)).map(namedTensor),
      batchNorm: own.filter(isBatchNormParameter).map(namedTensor),
      metadata: source.metadata?.(taskId) ?? { taskId },
    };
  });
}

/**
 * The @retain/masks sub-network store of a float mask strategy (PackNet,
 * EsaCL, WSN): a copy of the ownership map (each task's claimed slots at 32
 * bits, and WSN's own per-task masks), each task's claimed kernel values as
 * float32 entries, heads, batch norm and metadata, and the shared tensors
 * that are not masked kernels (biases, shared batch norm; frozen after the
 * first task). Store ids are ownership ids (task id + 1). Restoring task t:
 * every kernel slot visible to t (nested: claimed by an id <= t+1; WSN: in
 * t's own mask) takes the value stored by the task that claimed it, every
 * other slot is 0 — exactly the kernel the masked forward pass of t reads.
 */
export function floatSubnetworkStore(source: FloatStoreSource): SubnetworkStore {
  const masked = new Set(source.kernels);
  const shared = [...source.network.parameters().values()].filter((p) => p.taskId === undefined && !masked.has(p)).map(namedTensor);
  return buildSubnetworkStore(source.network.descriptor() as unknown as JsonValue, source.ownership, floatTaskRecords(source), shared);
}
