import type { BitMask } from '@retain/masks';
import { searchBitWidth, type QuantizationMethod } from '@retain/quantization';
import type { AdaQPacknetBitSearch } from './ada-qpacknet-options.js';
import { quantizeSlots, restoreValues, type StoredWeights } from './quantized-record.js';
import type { BitTrialReport } from './task-report.js';

/** One kernel of the task being quantised. */
export interface KernelToQuantize {
  readonly name: string;
  readonly shape: readonly number[];
  /** The weight the task's float sub-network uses (kept slots: trained values; elsewhere: what earlier tasks restore, or 0). */
  readonly weights: Float32Array;
  /** The slots the task keeps. */
  readonly kept: BitMask;
}

/** What {@link quantizeTask} needs. */
export interface QuantizeTaskSpec {
  readonly kernels: readonly KernelToQuantize[];
  readonly method: QuantizationMethod;
  readonly kmeans: 'optimal' | 'lloyd';
  readonly perChannel: boolean;
  /** A fixed width, or `search`. */
  readonly bits: number | 'search';
  readonly bitSearch: Required<AdaQPacknetBitSearch>;
  /** Held-out accuracy of the task with these kernel weights (by name) in place. */
  readonly accuracy: (weights: ReadonlyMap<string, Float32Array>) => number | Promise<number>;
}

/** The task's chosen codes. */
export interface QuantizedTask {
  readonly bits: number;
  /** Store entries by kernel name (kernels where the task keeps nothing have none). */
  readonly entries: ReadonlyMap<string, StoredWeights>;
  /** The values the entries restore, one per kept slot, by kernel name. */
  readonly restored: ReadonlyMap<string, Float32Array>;
  readonly floatAccuracy: number;
  readonly quantizedAccuracy: number;
  readonly withinThreshold: boolean;
  /** The widths tried (undefined with a fixed width). */
  readonly trace: readonly BitTrialReport[] | undefined;
}

interface Candidate {
  readonly entries: Map<string, StoredWeights>;
  readonly restored: Map<string, Float32Array>;
  readonly accuracy: number;
}

/**
 * Ada-QPacknet's post-training quantisation of one task (Pietroń et al.,
 * 2023): the float sub-network's held-out accuracy first; then, with a fixed
 * width, the task's kept weights of every kernel quantised at that width, or
 * with `search`, from `startBits` down while the held-out accuracy drops by
 * less than `maxDrop` (one width for the whole task, a codebook or scale per
 * kernel), keeping the last accepted width (startBits when none is).
 */
export async function quantizeTask(spec: QuantizeTaskSpec): Promise<QuantizedTask> {
  const floatWeights = new Map(spec.kernels.map((k) => [k.name, k.weights]));
  const floatAccuracy = await spec.accuracy(floatWeights);
  const tried = new Map<number, Candidate>();
  const evaluate = async (bits: number): Promise<number> => {
    const entries = new Map<string, StoredWeights>();
    const restored = new Map<string, Float32Array>();
    const weights = new Map<string, Float32Array>();
    for (const k of spec.kernels) {
      const entry = quantizeSlots(k.name, k.weights, k.shape, k.kept, { method: spec.method, bits, kmeans: spec.kmeans, perChannel: spec.perChannel });
      if (entry === undefined) {
        weights.set(k.name, k.weights);
        continue;
      }
      const values = restoreValues(entry, k.kept);
      entries.set(k.name, entry);
      restored.set(k.name, values);
      weights.set(k.name, k.kept.scatter(values, k.weights.slice()));
    }
    const accuracy = await spec.accuracy(weights);
    tried.set(bits, { entries, restored, accuracy });
    return accuracy;
  };
  if (spec.bits !== 'search') {
    const accuracy = await evaluate(spec.bits);
    const c = tried.get(spec.bits) as Candidate;
    return { bits: spec.bits, entries: c.entries, restored: c.restored, floatAccuracy, quantizedAccuracy: accuracy, withinThreshold: floatAccuracy - accuracy < spec.bitSearch.maxDrop, trace: undefined };
  }
  const result = await searchBitWidth({ evaluate, floatAccuracy, ...spec.bitSearch });
  const chosen = tried.get(result.bits) as Candidate;
  return {
    bits: result.bits,
    entries: chosen.entries,
    restored: chosen.restored,
    floatAccuracy,
    quantizedAccuracy: chosen.accuracy,
    withinThreshold: result.withinThreshold,
    trace: result.trace.map((t) => ({ bits: t.bits, accuracy: t.accuracy, drop: t.drop, accepted: t.accepted })),
  };
}
