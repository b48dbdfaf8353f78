import { InvalidArgumentError } from '@retain/core';

/**
 * How IDS scores a training sample (both from one forward pass):
 * - `loss`: its cross-entropy -log p(y | x);
 * - `el2n`: ||softmax(logits) - onehot(y)||_2, the norm of the loss
 *   gradient with respect to the logits (Paul, Ganguli and Dziugaite, "Deep
 *   Learning on a Data Diet", NeurIPS 2021), a cheap proxy of the sample's
 *   gradient norm.
 * High scores mark the samples that shape the loss landscape most.
 */
export type InstanceCriterion = 'loss' | 'el2n';

/** The IDS criteria. */
export const INSTANCE_CRITERIA: readonly InstanceCriterion[] = ['loss', 'el2n'];

/**
 * Scores `rows` samples from their logits (rows x classes, row-major) and
 * int labels by `criterion`. Pure; numerically stable (log-sum-exp).
 *
 * @example
 * instanceScores(new Float32Array([0, 0]), new Int32Array([1]), 2, 'loss'); // [ln 2]
 */
export function instanceScores(logits: Float32Array, labels: Int32Array, classes: number, criterion: InstanceCriterion): Float32Array {
  if (!(Number.isInteger(classes) && classes > 0)) throw new InvalidArgumentError('classes', classes, 'a positive integer');
  const rows = labels.length;
  if (logits.length !== rows * classes) throw new InvalidArgumentError('logits.length', logits.length, `${rows} x ${classes}`);
  if (!INSTANCE_CRITERIA.includes(criterion)) throw new InvalidArgumentError('criterion', criterion, INSTANCE_CRITERIA.join(', '));
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = labels[r] as number;
    if (!(Number.isInteger(y) && y >= 0 && y < classes)) throw new InvalidArgumentError(`labels[${r}]`, y, `an integer in [0, ${classes})`);
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp((logits[base + c] as number) - max);
    const logSum = max + Math.log(sum);
    if (criterion === 'loss') {
      out[r] = logSum - (logits[base + y] as number);
      continue;
    }
    let squared = 0;
    for (let c = 0; c < classes; c++) {
      const p = Math.exp((logits[base + c] as number) - logSum);
      const d = p - (c === y ? 1 : 0);
      squared += d * d;
    }
    out[r] = Math.sqrt(squared);
  }
  return out;
}

/**
 * Picks the `round(fraction * n)` highest-scoring samples (at least one when
 * n > 0). Class-balanced: the quota is shared among the classes present in
 * proportion to their counts (largest remainders, ties to the lower class),
 * and each class's quota goes to its highest scores; otherwise one global
 * ranking. Ties in score: the lower index wins. Returns sorted indices. Pure.
 */
export function selectInstances(scores: Float32Array, labels: Int32Array, fraction: number, classBalanced: boolean): Uint32Array {
  const n = scores.length;
  if (labels.length !== n) throw new InvalidArgumentError('labels.length', labels.length, `${n} (one per score)`);
  if (!(fraction > 0 && fraction <= 1)) throw new InvalidArgumentError('fraction', fraction, 'a number in (0, 1]');
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new InvalidArgumentError(`scores[${i}]`, scores[i], 'a number (not NaN)');
  if (n === 0) return new Uint32Array(0);
  const total = Math.max(1, Math.round(fraction * n));
  const byScore = (a: number, b: number): number => (scores[b] as number) - (scores[a] as number) || a - b;
  if (!classBalanced) return Uint32Array.from(Array.from({ length: n }, (_, i) => i).sort(byScore).slice(0, total)).sort();
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const y = labels[i] as number;
    const g = groups.get(y);
    if (g === undefined) groups.set(y, [i]);
    else g.push(i);
  }
  const classes = [...groups.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => (total * (groups.get(c) as number[]).length) / n);
  const quota = exact.map(Math.floor);
  let left = total - quota.reduce((a, b) => a + b, 0);
  const order = classes.map((_, k) => k).sort((a, b) => (exact[b] as number) - (quota[b] as number) - ((exact[a] as number) - (quota[a] as number)) || a - b);
  for (const k of order) {
    if (left === 0) break;
    quota[k] = (quota[k] as number) + 1;
    left--;
  }
  const picked: number[] = [];
  classes.forEach((c, k) => picked.push(...(groups.get(c) as number[]).sort(byScore).slice(0, quota[k])));
  return Uint32Array.from(picked).sort();
}
