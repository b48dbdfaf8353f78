import { InvalidArgumentError } from '@retain/core';
import { softmaxEntropies } from './entropy-choice.js';

/**
 * How a task sub-network's logits on an input are turned into a score of how
 * unlikely the input is to belong to that task (lower = more likely; the task
 * with the lowest score, or lowest mean score per batch, is inferred):
 * - `entropy`: Shannon entropy of softmax(logits) (SupSup, Wortsman et al.
 *   2020; WSN, Kang et al. 2022);
 * - `max-softmax`: the maximum softmax probability p_max (the baseline of
 *   out-of-distribution detection, Hendrycks and Gimpel, ICLR 2017), scored
 *   as -log p_max = logsumexp(logits) - max(logits), in [0, ln k]: the same
 *   order as -p_max, but it does not round to -1 in float32 for confident
 *   rows (which would make every confident head tie). For a 2-class head it
 *   orders rows exactly as `entropy` does (both are monotone in p_max);
 * - `max-logit`: minus the largest logit (MaxLogit, Hendrycks et al.,
 *   "Scaling Out-of-Distribution Detection for Real-World Settings", ICML
 *   2022);
 * - `energy`: the free energy -log sum_c exp(logit_c) at temperature 1 (Liu,
 *   Wang, Owens and Li, "Energy-based Out-of-distribution Detection",
 *   NeurIPS 2020).
 * The last two, unlike the first two, see the logits' scale, not only their
 * differences: a head that is "loud" on its own task's inputs can win even
 * when its softmax is no sharper than another head's.
 */
export type TaskInferenceScore = 'entropy' | 'max-softmax' | 'max-logit' | 'energy';

/** The task inference scores. */
export const TASK_INFERENCE_SCORES: readonly TaskInferenceScore[] = ['entropy', 'max-softmax', 'max-logit', 'energy'];

/** Checks `score` is one of {@link TASK_INFERENCE_SCORES}. */
export function checkTaskInferenceScore(score: TaskInferenceScore): void {
  if (!TASK_INFERENCE_SCORES.includes(score)) throw new InvalidArgumentError('score', score, TASK_INFERENCE_SCORES.join(', '));
}

/** Max and log-sum-exp of each row, and lse - max accurate near 0 (NaN refused, -Infinity classes drop out, at least one finite logit per row). */
function rowMaxAndLogSumExp(logits: Float32Array, classes: number): { max: Float64Array; lse: Float64Array; gap: Float64Array } {
  if (!(Number.isInteger(classes) && classes > 0)) throw new InvalidArgumentError('classes', classes, 'a positive integer');
  if (logits.length % classes !== 0) throw new InvalidArgumentError('logits.length', logits.length, `a multiple of ${classes} classes`);
  const rows = logits.length / classes;
  const max = new Float64Array(rows);
  const lse = new Float64Array(rows);
  const gap = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let m = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logits[base + c] as number;
      if (Number.isNaN(v)) throw new InvalidArgumentError(`logits[${base + c}]`, v, 'a number (not NaN)');
      if (v > m) m = v;
    }
    if (!Number.isFinite(m)) throw new InvalidArgumentError(`logits row ${r}`, m, 'finite logits (at least one, none +Infinity)');
    // z - 1: every class but the first maximum, so log1p keeps precision when one class dominates.
    let rest = 0;
    let skipped = false;
    for (let c = 0; c < classes; c++) {
      const v = logits[base + c] as number;
      if (v === m && !skipped) {
        skipped = true;
        continue;
      }
      rest += Math.exp(v - m);
    }
    max[r] = m;
    gap[r] = Math.log1p(rest);
    lse[r] = m + (gap[r] as number);
  }
  return { max, lse, gap };
}

/**
 * The task-inference score of each row of `logits` (rows x classes,
 * row-major) under `score` (see {@link TaskInferenceScore}); lower means the
 * row more likely belongs to the head's task. Stable for large logits. Pure.
 *
 * @example
 * const logits = new Float32Array([0, 0, 4, 0]); // two rows, two classes
 * taskScores(logits, 2, 'entropy');     // [ln 2 = 0.693, 0.070]
 * taskScores(logits, 2, 'max-softmax'); // [-log 0.5 = 0.693, -log 0.982 = 0.018]
 * taskScores(logits, 2, 'max-logit');   // [-0, -4]
 * taskScores(logits, 2, 'energy');      // [-ln 2 = -0.693, -4.018]
 */
export function taskScores(logits: Float32Array, classes: number, score: TaskInferenceScore): Float32Array {
  checkTaskInferenceScore(score);
  if (score === 'entropy') return softmaxEntropies(logits, classes);
  const { max, lse, gap } = rowMaxAndLogSumExp(logits, classes);
  const out = new Float32Array(max.length);
  for (let r = 0; r < out.length; r++) {
    // -log p_max = logsumexp - max.
    out[r] = score === 'max-softmax' ? (gap[r] as number) : score === 'max-logit' ? -(max[r] as number) : -(lse[r] as number);
  }
  return out;
}
