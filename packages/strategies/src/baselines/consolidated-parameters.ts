import type { MaskedNetwork, Parameter } from '@retain/core';

/**
 * The parameters a regulariser protects while the network trains task
 * `taskId`: learnable (not batch-norm statistics) and either shared by all
 * tasks or the task's own (its head and per-task batch norm). Other tasks'
 * heads are never trained on this task, so they need no protection. By name,
 * in the network's order.
 */
export function consolidatedParameters(network: MaskedNetwork, taskId: number): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  for (const [name, p] of network.parameters()) {
    if (p.learnable && (p.taskId === undefined || p.taskId === taskId)) out.set(name, p);
  }
  return out;
}

/** Copies of the current values of `parameters` (a data sync each). */
export function readParameters(parameters: ReadonlyMap<string, Parameter>): Map<string, Float32Array> {
  return new Map([...parameters].map(([name, p]) => [name, (p.variable.dataSync() as Float32Array).slice()]));
}
