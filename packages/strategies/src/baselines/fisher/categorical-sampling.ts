import { InvalidArgumentError, type Rng } from '@retain/core';

/**
 * Draws one class per row from row-wise probabilities `probs` (rows x
 * classes, each row summing to ~1) by inverse-CDF sampling with `rng`. A row
 * whose cumulative sum stays below the draw (float round-off) yields its last
 * class with non-zero probability.
 */
export function sampleCategorical(probs: Float32Array, rows: number, classes: number, rng: Rng): Int32Array {
  if (!Number.isInteger(classes) || classes <= 0) throw new InvalidArgumentError('classes', classes, 'a positive integer');
  if (!Number.isInteger(rows) || rows < 0 || rows * classes !== probs.length) {
    throw new InvalidArgumentError('rows', rows, `probs.length / classes = ${probs.length / classes}`);
  }
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const u = rng.nextFloat();
    let cumulative = 0;
    let chosen = -1;
    let lastPositive = classes - 1;
    for (let c = 0; c < classes; c++) {
      const p = probs[r * classes + c] as number;
      if (!(p >= 0)) throw new InvalidArgumentError(`probs[${r * classes + c}]`, p, 'a probability >= 0');
      if (p > 0) lastPositive = c;
      cumulative += p;
      if (chosen < 0 && u < cumulative) chosen = c;
    }
    out[r] = chosen < 0 ? lastPositive : chosen;
  }
  return out;
}
