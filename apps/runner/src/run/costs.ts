import { capacityReport, sizeReport, type CapacityReport, type DetailValue, type SizeReport } from '@retain/evaluation';
import { encodeStore, measureStoreSize, type SubnetworkStore } from '@retain/masks';
import { AdaQPacknetStrategy, BlipStrategy, EsaclStrategy, MaskStrategy, WsnStrategy, type Strategy } from '@retain/strategies';

/** A strategy that keeps its tasks in a @retain/masks sub-network store (Ada-QPacknet). */
export interface StoreHolder {
  subnetworkStore(): SubnetworkStore;
}

/** The strategy's sub-network store, when it has one. */
export function subnetworkStoreOf(strategy: Strategy): SubnetworkStore | undefined {
  const holder = strategy as Partial<StoreHolder>;
  return typeof holder.subnetworkStore === 'function' ? holder.subnetworkStore() : undefined;
}

/**
 * Capacity of a mask strategy (PackNet, WSN, Ada-QPacknet, EsaCL) from its
 * ownership map: per task the weight slots it claimed and the bits charged
 * for them (32 per float weight, b per b-bit code), over every masked kernel.
 */
export function ownershipCapacity(strategy: MaskStrategy<string, string>): CapacityReport | undefined {
  const map = strategy.ownership;
  const owners = map.taskIds();
  if (owners.length === 0) return undefined;
  const tensors = map.tensors.map((t) => t.name);
  const capacities = tensors.map((name) => map.capacity(name));
  const tasks = owners.map((owner) => ({
    taskId: owner - 1, // the ownership map keeps 0 for "free": task t is owner t + 1
    weights: tensors.reduce((n, name) => n + (map.claimOf(owner, name)?.slots.popcount() ?? 0), 0),
    bits: capacities.reduce((n, c) => n + (c.bitsByTask.get(owner) ?? 0), 0),
  }));
  return capacityReport(tasks, capacities.reduce((n, c) => n + c.slots, 0));
}

/**
 * The deterministic costs of a run so far: `size` from the encoded
 * sub-network store (Ada-QPacknet: bytes by component as @retain/masks
 * measures them, against one dense float32 model with every head so far),
 * `capacity` from the ownership map of mask strategies.
 */
export function runCosts(strategy: Strategy): { size?: SizeReport; capacity?: CapacityReport } {
  const costs: { size?: SizeReport; capacity?: CapacityReport } = {};
  if (strategy instanceof MaskStrategy) {
    const capacity = ownershipCapacity(strategy);
    if (capacity !== undefined) costs.capacity = capacity;
  }
  if (strategy instanceof AdaQPacknetStrategy) {
    const last = strategy.taskReports().at(-1);
    const store = subnetworkStoreOf(strategy);
    if (last !== undefined && store !== undefined) {
      const { bytesByTask: _byTask, totalBytes: _total, ...components } = measureStoreSize(encodeStore(store));
      costs.size = sizeReport(components, last.storedBytes.denseModel / 4);
    }
  }
  return costs;
}

function sortedLayerValues(layers: Readonly<Record<string, { readonly sparsity: number }>>): number[] {
  return Object.keys(layers)
    .sort()
    .map((name) => (layers[name] as { sparsity: number }).sparsity);
}

/** Method-specific, deterministic values of the experience just trained (for RunResults.details). */
export function experienceDetails(strategy: Strategy, taskId: number): Record<string, DetailValue> {
  if (strategy instanceof AdaQPacknetStrategy) {
    const r = strategy.taskReports().find((t) => t.taskId === taskId);
    if (r === undefined) return {};
    return {
      bits: r.bits,
      sparsityPerLayer: sortedLayerValues(r.layers),
      heldOutFloatAccuracy: r.accuracy.float,
      heldOutQuantizedAccuracy: r.accuracy.quantized,
      bitsCharged: r.bitsCharged,
      storeBytes: r.storedBytes.total,
    };
  }
  if (strategy instanceof BlipStrategy) {
    const r = strategy.reports.find((t) => t.taskId === taskId);
    return r === undefined ? {} : { budgetUsed: r.budgetUsed, meanBits: r.meanBits, saturatedFraction: r.saturatedFraction };
  }
  if (strategy instanceof EsaclStrategy) {
    const r = strategy.reports.find((t) => t.taskId === taskId);
    return r === undefined
      ? {}
      : { keptWeights: r.keptWeights, sparsity: r.sparsity, accuracyBeforePruning: r.accuracyBeforePruning, accuracyAfterPruning: r.accuracyAfterPruning };
  }
  if (strategy instanceof WsnStrategy) {
    return { maskBytes: strategy.maskBytes(taskId), usedFraction: strategy.usedFraction() };
  }
  return {};
}
