import type { QuantizationMethod } from '@retain/quantization';
import type { TrainReport } from '../framework/strategy.js';
import type { CapacitySummary } from './slot-capacity.js';

/** One kernel's share of a task. */
export interface AdaQPacknetLayerReport {
  /** Slots the task could train (at least the reserved bits left, not held by it). */
  readonly candidates: number;
  /** Slots it kept and stores codes in. */
  readonly kept: number;
  /** The chosen sparsity: pruned fraction of the candidates (searched or given). */
  readonly sparsity: number;
  /** Kept slots that earlier tasks hold codes in too (their codes share the 32-bit slot). */
  readonly sharedWithEarlier: number;
}

/** One candidate of the sparsity search, as reported. */
export interface SparsityTrialReport {
  readonly sparsities: Readonly<Record<string, number>>;
  /** Held-out accuracy after the trial. */
  readonly accuracy: number;
  readonly fitness: number;
}

/** One width tried by the bit-width search. */
export interface BitTrialReport {
  readonly bits: number;
  /** Held-out accuracy with the task's weights quantised at `bits`. */
  readonly accuracy: number;
  readonly drop: number;
  readonly accepted: boolean;
}

/** Bytes of the sub-network store after a task (measured from the encoded file). */
export interface StoredBytesReport {
  /** The whole store: every task so far, shared tensors, framing. */
  readonly total: number;
  /** This task's sections (claims, codes and codebooks, head, batch norm, metadata). */
  readonly task: number;
  /** Packed codes of every task. */
  readonly codes: number;
  /** Codebooks / scales of every task. */
  readonly codebooks: number;
  /** The same store with every task's kept weights as float32 values instead of codes: the float sub-networks. */
  readonly floatSubnetworks: number;
  /** One dense float32 copy of the network (every parameter, every head so far). */
  readonly denseModel: number;
}

/** What Ada-QPacknet reports for one task (also in its TrainReport). */
export interface AdaQPacknetTaskReport {
  readonly taskId: number;
  /** The task's id in the ownership map and the store (task id + 1). */
  readonly ownerId: number;
  readonly experience: number;
  /** By kernel name. */
  readonly layers: Readonly<Record<string, AdaQPacknetLayerReport>>;
  /** The sparsity search's candidates (absent with a fixed sparsity). */
  readonly sparsitySearch?: readonly SparsityTrialReport[];
  readonly quantization: QuantizationMethod;
  /** The chosen code width. */
  readonly bits: number;
  /** The widths tried (absent with a fixed width). */
  readonly bitSearch?: readonly BitTrialReport[];
  /** False when even the widest width dropped accuracy by maxDrop or more (it is kept anyway). */
  readonly withinThreshold: boolean;
  /** Held-out accuracy of the task's float sub-network and of its quantised one. */
  readonly accuracy: { readonly float: number; readonly quantized: number };
  /** Where accuracies were measured: the validation split, or a held-out part of the training split. */
  readonly heldOut: { readonly source: 'validation' | 'training-holdout'; readonly samples: number };
  /** Bits charged to the task: bits x kept slots, over every kernel. */
  readonly bitsCharged: number;
  /** Capacity of the kernels after the task. */
  readonly capacity: CapacitySummary;
  readonly storedBytes: StoredBytesReport;
}

/** Ada-QPacknet's TrainReport: the framework's plus the task's report. */
export interface AdaQPacknetTrainReport extends TrainReport {
  readonly adaQPacknet: AdaQPacknetTaskReport;
}
