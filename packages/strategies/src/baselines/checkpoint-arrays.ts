import { tf, type JsonValue, type MaskedNetwork } from '@retain/core';
import { collectPrefixed } from '../framework/state-codec.js';
import type { StrategyState } from '../framework/strategy.js';
import { StrategyStateError } from '../framework/strategy-errors.js';

/** Adds `arrays` to a checkpoint's tensors under `prefix` + parameter name. */
export function putArrays(target: Record<string, Float32Array>, prefix: string, arrays: ReadonlyMap<string, Float32Array>): void {
  for (const [name, values] of arrays) target[`${prefix}${name}`] = values;
}

/**
 * The checkpoint's arrays under `prefix`, each checked to be a Float32Array
 * with as many values as the checkpoint's weights of the same parameter
 * (`weights/<name>`): per-weight values of a regulariser.
 */
export function takeArrays(state: StrategyState, prefix: string): Map<string, Float32Array> {
  const out = collectPrefixed(state.tensors, prefix);
  for (const [name, values] of out) {
    const field = `tensors[${JSON.stringify(prefix + name)}]`;
    const weights = state.tensors[`weights/${name}`];
    if (!(values instanceof Float32Array)) throw new StrategyStateError(field, 'expected a Float32Array');
    if (!(weights instanceof Float32Array)) throw new StrategyStateError(field, `no parameter ${JSON.stringify(name)} among the checkpoint's weights`);
    if (weights.length !== values.length) throw new StrategyStateError(field, `expected ${weights.length} values (one per weight), got ${values.length}`);
  }
  return out;
}

/** Tensors of the parameters' shapes holding `arrays` (the caller disposes them). */
export function parameterTensors(network: MaskedNetwork, arrays: ReadonlyMap<string, Float32Array>): Map<string, tf.Tensor> {
  const params = network.parameters();
  return new Map(
    [...arrays].map(([name, values]) => {
      const shape = params.get(name)?.shape ?? [values.length];
      return [name, tf.tensor(values, [...shape], 'float32')];
    }),
  );
}

/** `meta[key]` as an object, or a StrategyStateError naming it. */
export function metaObject(state: StrategyState, key: string): { readonly [k: string]: JsonValue } {
  const value = state.meta[key];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new StrategyStateError(`meta.${key}`, `expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/** A finite number field of a meta object. */
export function metaNumber(object: { readonly [k: string]: JsonValue }, field: string, where: string): number {
  const v = object[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StrategyStateError(`${where}.${field}`, `expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** An integer list field of a meta object. */
export function metaIntegers(object: { readonly [k: string]: JsonValue }, field: string, where: string): number[] {
  const v = object[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
    throw new StrategyStateError(`${where}.${field}`, `expected a list of integers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}
