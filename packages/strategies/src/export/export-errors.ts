import { RetainError } from '@retain/core';

/**
 * A task's network cannot be described as plain dense / convolution /
 * batch-norm / pooling / residual layers: the architecture has a layer with
 * no plain equivalent (a layer type this reader does not know), batch norm
 * that normalises with the batch's own statistics at inference
 * (trackRunningStats false), or the strategy does not expose its task
 * weights. Names the architecture (zoo name) and the layer at fault.
 */
export class UnsupportedExportError extends RetainError {
  /** The zoo architecture, for example `mlp`. */
  readonly architecture: string;
  /** The layer at fault (or the strategy's name when the strategy cannot export). */
  readonly layer: string;

  constructor(architecture: string, layer: string, reason: string) {
    super('ERR_UNSUPPORTED_EXPORT', `cannot export a task network of architecture '${architecture}': ${layer}: ${reason}`);
    this.architecture = architecture;
    this.layer = layer;
  }
}
