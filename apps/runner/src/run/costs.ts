import { RetainError } from '@retain/core';
import { capacityReport, sizeReport, type CapacityReport, type DetailValue, type SizeReport } from '@retain/evaluation';
import { encodeStore, measureStoreSize, type SubnetworkStore } from '@retain/masks';
import { AdaQPacknetStrategy, BaseStrategy, BlipStrategy, EsaclStrategy, MaskStrategy, WsnStrategy, encodeBlipModel, type Strategy } from '@retain/strategies';

/** A strategy that keeps its tasks in a @retain/masks sub-network store (Ada-QPacknet, PackNet, WSN, EsaCL). */
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
 * Bytes by component of the strategy's sub-network store as @retain/masks
 * encodes and measures it (`codes`, `codebooks`, `masks`, `ownership`,
 * `heads`, `batchNorm`, `shared`, `metadata`, `framing`; they sum to the
 * length of store.rtn), or undefined when it has no store or no task in it.
 */
export function storeSizeComponents(strategy: Strategy): Record<string, number> | undefined {
  const store = subnetworkStoreOf(strategy);
  if (store === undefined || store.taskIds().length === 0) return undefined;
  const { bytesByTask: _byTask, totalBytes: _total, ...components } = measureStoreSize(encodeStore(store));
  return components;
}

/**
 * Bytes by component of BLIP's serialised model (`serializeModel()`, the
 * bytes of encodeBlipModel): `header`, `bitCounts`, `quantized`, `float`;
 * they sum to the serialised length (checked).
 */
export function blipSizeComponents(strategy: BlipStrategy): Record<string, number> {
  const { bytes, breakdown } = encodeBlipModel(strategy.modelParts());
  const { total, ...components } = breakdown;
  const sum = Object.values(components).reduce((n, b) => n + b, 0);
  if (sum !== bytes.length || total !== bytes.length) throw new RetainError('SIZE_BREAKDOWN', `BLIP size breakdown sums to ${sum} (total ${total}), the serialised model has ${bytes.length} bytes`);
  return components;
}

/**
 * The deterministic costs of a run so far. `size`: bytes by component of
 * what the method stores, measured from the serialised bytes, against one
 * dense float32 model of the network (every head so far, learnable values
 * only): the @retain/masks sub-network store for Ada-QPacknet, PackNet, WSN
 * and EsaCL (what store.rtn holds), BLIP's serialised model; baselines have
 * none (they keep the dense model itself). `capacity`: from the ownership
 * map of mask strategies.
 */
export function runCosts(strategy: Strategy): { size?: SizeReport; capacity?: CapacityReport } {
  const costs: { size?: SizeReport; capacity?: CapacityReport } = {};
  if (strategy instanceof MaskStrategy) {
    const capacity = ownershipCapacity(strategy);
    if (capacity !== undefined) costs.capacity = capacity;
  }
  const components = strategy instanceof BlipStrategy ? (strategy.reports.length > 0 ? blipSizeComponents(strategy) : undefined) : storeSizeComponents(strategy);
  if (components !== undefined && strategy instanceof BaseStrategy) costs.size = sizeReport(components, strategy.network.countParameters());
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
