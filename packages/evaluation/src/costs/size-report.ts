import { InvalidArgumentError } from '@retain/core';

/** Bytes of a float32 parameter, the reference the compression ratio is measured against. */
export const FLOAT32_BYTES = 4;

/** Model size as actually serialised, compared with one dense float32 model. */
export interface SizeReport {
  /** Bytes per component of the serialised store (e.g. masks, codebooks, codes, heads), keys sorted. */
  readonly components: Readonly<Record<string, number>>;
  /** Sum of `components`. */
  readonly totalBytes: number;
  /** Parameters of one dense model of the same architecture. */
  readonly denseParameterCount: number;
  /** `denseParameterCount * 4`: one dense float32 model. */
  readonly denseFloat32Bytes: number;
  /** `denseFloat32Bytes / totalBytes` (> 1 means smaller than one dense model); null when totalBytes is 0. */
  readonly compressionRatio: number | null;
}

/**
 * Builds a {@link SizeReport} from the byte breakdown of what a run stores
 * (the runner reads it from the serialised sub-network store, so the numbers
 * are bytes as actually written) and the parameter count of one dense model.
 * Every byte count must be a non-negative integer.
 */
export function sizeReport(breakdown: Readonly<Record<string, number>>, denseParameterCount: number): SizeReport {
  if (!Number.isInteger(denseParameterCount) || denseParameterCount < 0) {
    throw new InvalidArgumentError('denseParameterCount', denseParameterCount, 'a non-negative integer');
  }
  const components: Record<string, number> = {};
  let totalBytes = 0;
  for (const name of Object.keys(breakdown).sort()) {
    const bytes = breakdown[name];
    if (bytes === undefined || !Number.isInteger(bytes) || bytes < 0) {
      throw new InvalidArgumentError(`breakdown.${name}`, bytes, 'a non-negative integer byte count');
    }
    components[name] = bytes;
    totalBytes += bytes;
  }
  const denseFloat32Bytes = denseParameterCount * FLOAT32_BYTES;
  return {
    components,
    totalBytes,
    denseParameterCount,
    denseFloat32Bytes,
    compressionRatio: totalBytes === 0 ? null : denseFloat32Bytes / totalBytes,
  };
}
