import { InvalidArgumentError } from '@retain/core';

/** Mean and spread of one metric over several runs (seeds). */
export interface MeanStd {
  /** Arithmetic mean. */
  readonly mean: number;
  /**
   * Sample standard deviation (Bessel-corrected, divides by n - 1);
   * `undefined` for a single value, where it is not defined.
   */
  readonly std: number | undefined;
  /** How many values were summarised. */
  readonly n: number;
}

/**
 * Mean ± sample standard deviation (n - 1 in the denominator, the usual
 * convention for "mean ± std over seeds" in CL papers) of finite `values`;
 * `undefined` for an empty list. Throws {@link InvalidArgumentError} on a
 * non-finite value. Uses a two-pass sum for accuracy.
 */
export function meanStd(values: readonly number[]): MeanStd | undefined {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`values[${index}]`, value, 'a finite number');
  });
  const n = values.length;
  if (n === 0) return undefined;
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / n;
  if (n === 1) return { mean, std: undefined, n };
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}
