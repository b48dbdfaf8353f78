import type { Strategy } from '../framework/strategy.js';
import { UnsupportedExportError } from './export-errors.js';
import type { TaskNetworkWeights } from './task-network-weights.js';

/**
 * The network `strategy.predict(x, taskId)` runs, as plain arrays (see
 * {@link TaskNetworkWeights}): what `retain export` writes as a standalone
 * model. Every strategy built on BaseStrategy provides it; another throws
 * {@link UnsupportedExportError}. Same task-id rules as predict. Syncs data.
 *
 * @example
 * const net = taskNetworkWeights(strategy, 1);
 * net.layers.at(-1); // task 1's head: { kind: 'dense', name: 'head/task1', kernel, bias, ... }
 */
export function taskNetworkWeights(strategy: Strategy, taskId?: number): TaskNetworkWeights {
  if (typeof strategy.taskWeights !== 'function') {
    throw new UnsupportedExportError('(unknown)', strategy.name, 'this strategy does not expose its task weights (Strategy.taskWeights)');
  }
  return strategy.taskWeights(taskId);
}
