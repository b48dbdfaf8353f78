import type { JsonValue, ModelDescriptor } from '@retain/core';
import { STRATEGY_STATE_FORMAT, STRATEGY_STATE_VERSION, type StrategyState } from './strategy.js';
import { StrategyStateError } from './strategy-errors.js';

/** A strategy's own checkpoint parts (merged into {@link StrategyState}). */
export interface StateParts {
  readonly meta: { readonly [key: string]: JsonValue };
  readonly tensors: Readonly<Record<string, Float32Array>>;
  readonly blobs: Readonly<Record<string, Uint8Array>>;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function withoutSeed(options: unknown): unknown {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return options;
  const { seed: _seed, ...rest } = options as Record<string, unknown>;
  return rest;
}

/**
 * Throws {@link StrategyStateError} unless `state` is a checkpoint of this
 * format and version, made by `strategy`, for a network of the same zoo model
 * and options as `descriptor` (the seed aside: it only sets initial values,
 * which the checkpoint overwrites; heads may differ: missing ones are added).
 */
export function checkStateHeader(state: StrategyState, strategy: string, descriptor: ModelDescriptor): void {
  if (state === null || typeof state !== 'object') throw new StrategyStateError('state', 'expected a checkpoint object');
  if (state.format !== STRATEGY_STATE_FORMAT) throw new StrategyStateError('format', `expected '${STRATEGY_STATE_FORMAT}', got ${JSON.stringify(state.format)}`);
  if (state.version !== STRATEGY_STATE_VERSION) throw new StrategyStateError('version', `expected ${STRATEGY_STATE_VERSION}, got ${JSON.stringify(state.version)}`);
  if (state.strategy !== strategy) throw new StrategyStateError('strategy', `this is a '${strategy}' strategy, the checkpoint is of '${String(state.strategy)}'`);
  const model = state.model as { zoo?: unknown; options?: unknown } | null;
  if (model === null || typeof model !== 'object') throw new StrategyStateError('model', 'expected the network descriptor');
  if (model.zoo !== descriptor.zoo || canonical(withoutSeed(model.options)) !== canonical(withoutSeed(descriptor.options))) {
    throw new StrategyStateError('model', `the checkpoint's network (${String(model.zoo)}) differs from this strategy's (${descriptor.zoo}) in architecture or options`);
  }
  if (state.meta === null || typeof state.meta !== 'object') throw new StrategyStateError('meta', 'expected an object');
  if (state.tensors === null || typeof state.tensors !== 'object') throw new StrategyStateError('tensors', 'expected an object of Float32Array');
  if (state.blobs === null || typeof state.blobs !== 'object') throw new StrategyStateError('blobs', 'expected an object of Uint8Array');
}

/** The entries of `record` whose names start with `prefix`, the prefix removed. */
export function collectPrefixed<T>(record: Readonly<Record<string, T>>, prefix: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, value] of Object.entries(record)) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), value);
  return out;
}

/** `state.tensors[name]`, checked to be a Float32Array of `length` values. */
export function requireTensor(state: StrategyState, name: string, length: number): Float32Array {
  const t = state.tensors[name];
  if (!(t instanceof Float32Array)) throw new StrategyStateError(`tensors[${JSON.stringify(name)}]`, 'missing or not a Float32Array');
  if (t.length !== length) throw new StrategyStateError(`tensors[${JSON.stringify(name)}]`, `expected ${length} values, got ${t.length}`);
  return t;
}

/** `state.blobs[name]`, checked to be a Uint8Array. */
export function requireBlob(state: StrategyState, name: string): Uint8Array {
  const b = state.blobs[name];
  if (!(b instanceof Uint8Array)) throw new StrategyStateError(`blobs[${JSON.stringify(name)}]`, 'missing or not a Uint8Array');
  return b;
}
