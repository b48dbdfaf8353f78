import { WeightLayoutMismatchError } from './errors/baseline-errors.js';

/** Per-parameter values by parameter name (the layout of MaskedNetwork.getWeights()). */
export type NamedArrays = ReadonlyMap<string, Float32Array>;

/**
 * Checks that `other` holds exactly the names of `reference`, each with the
 * same length. `field` names `other` in the error.
 */
export function checkSameLayout(reference: NamedArrays, other: NamedArrays, field: string): void {
  for (const [name, values] of reference) {
    const o = other.get(name);
    if (o === undefined) throw new WeightLayoutMismatchError(`${field}[${JSON.stringify(name)}]`, 'a value per weight', 'missing');
    if (o.length !== values.length) throw new WeightLayoutMismatchError(`${field}[${JSON.stringify(name)}].length`, values.length, o.length);
  }
  for (const name of other.keys()) {
    if (!reference.has(name)) throw new WeightLayoutMismatchError(field, 'only the reference parameters', `extra parameter ${JSON.stringify(name)}`);
  }
}

/** Deep copy of named arrays. */
export function cloneNamedArrays(values: NamedArrays): Map<string, Float32Array> {
  return new Map([...values].map(([name, v]) => [name, v.slice()]));
}

/** Zero arrays of the same layout. */
export function zerosLike(values: NamedArrays): Map<string, Float32Array> {
  return new Map([...values].map(([name, v]) => [name, new Float32Array(v.length)]));
}
