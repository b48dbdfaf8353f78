import { InvalidArgumentError } from '@retain/core';

/** Bits of one weight slot of the shared network (a float32 weight). */
export const DEFAULT_SLOT_BITS = 32;

/** What one task holds of a shared network, as reported by a mask strategy. */
export interface TaskCapacityInput {
  /** The task id. */
  readonly taskId: number;
  /** Weight slots in which the task stores a value (its sub-network's own weights). */
  readonly weights: number;
  /** Bits stored for those weights: sum over layers of owned weights x bit width. */
  readonly bits: number;
}

/** Capacity and bits of one task. */
export interface TaskCapacity extends TaskCapacityInput {
  /** `bits / weights`, the mean bit width; null when the task stores no weight. */
  readonly bitsPerWeight: number | null;
  /** `weights / totalWeights`: share of the slots the task writes to. */
  readonly weightFraction: number;
  /** `bits / (totalWeights * slotBits)`: share of the network's bit capacity the task uses. */
  readonly capacityFraction: number;
}

/** Per-task capacity and bits, with what is left free. */
export interface CapacityReport {
  /** Weight slots of the shared network. */
  readonly totalWeights: number;
  /** Bits per slot (32 for float32 weights). */
  readonly slotBits: number;
  /** One entry per task, in input order. */
  readonly tasks: readonly TaskCapacity[];
  /** Sum of the tasks' `bits`. */
  readonly usedBits: number;
  /** Share of the bit capacity used by some task. */
  readonly usedFraction: number;
  /** `1 - usedFraction`: share still free for later tasks. */
  readonly freeFraction: number;
}

function checkNonNegativeInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(field, value, 'a non-negative integer');
}

/**
 * Bits and capacity used per task by a mask strategy. Capacity is counted in
 * bits, so that methods storing several low-bit codes in one 32-bit slot
 * (Ada-QPacknet) and methods owning whole float32 slots (PackNet, WSN) are
 * measured alike: a task's share is `bits / (totalWeights * slotBits)`.
 * Throws {@link InvalidArgumentError} when a count is not a non-negative
 * integer, a task id repeats, a task stores more weights than there are
 * slots, or the tasks use more bits than the network holds.
 */
export function capacityReport(
  tasks: readonly TaskCapacityInput[],
  totalWeights: number,
  slotBits: number = DEFAULT_SLOT_BITS,
): CapacityReport {
  checkNonNegativeInteger('totalWeights', totalWeights);
  if (!Number.isInteger(slotBits) || slotBits < 1) throw new InvalidArgumentError('slotBits', slotBits, 'a positive integer');
  const capacityBits = totalWeights * slotBits;
  const seen = new Set<number>();
  let usedBits = 0;
  const entries = tasks.map((task, index): TaskCapacity => {
    checkNonNegativeInteger(`tasks[${index}].taskId`, task.taskId);
    checkNonNegativeInteger(`tasks[${index}].weights`, task.weights);
    checkNonNegativeInteger(`tasks[${index}].bits`, task.bits);
    if (seen.has(task.taskId)) throw new InvalidArgumentError(`tasks[${index}].taskId`, task.taskId, 'a task id not listed before');
    if (task.weights > totalWeights) {
      throw new InvalidArgumentError(`tasks[${index}].weights`, task.weights, `at most totalWeights = ${totalWeights}`);
    }
    seen.add(task.taskId);
    usedBits += task.bits;
    return {
      taskId: task.taskId,
      weights: task.weights,
      bits: task.bits,
      bitsPerWeight: task.weights === 0 ? null : task.bits / task.weights,
      weightFraction: totalWeights === 0 ? 0 : task.weights / totalWeights,
      capacityFraction: capacityBits === 0 ? 0 : task.bits / capacityBits,
    };
  });
  if (usedBits > capacityBits) {
    throw new InvalidArgumentError('tasks', usedBits, `bits summing to at most totalWeights * slotBits = ${capacityBits}`);
  }
  const usedFraction = capacityBits === 0 ? 0 : usedBits / capacityBits;
  return { totalWeights, slotBits, tasks: entries, usedBits, usedFraction, freeFraction: 1 - usedFraction };
}
