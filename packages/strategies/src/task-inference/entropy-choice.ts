import { InvalidArgumentError } from '@retain/core';

/**
 * How the task of unlabelled inputs is inferred from the entropies of each
 * task sub-network's prediction:
 * - `sample`: per input, the task whose prediction has the lowest entropy;
 * - `batch`: one task for the whole batch, the one with the lowest mean
 *   entropy over the batch (the inputs are assumed to come from one task,
 *   as in SupSup's and WSN's one-shot task inference).
 */
export type TaskInferenceMode = 'sample' | 'batch';

/** The task inference modes. */
export const TASK_INFERENCE_MODES: readonly TaskInferenceMode[] = ['sample', 'batch'];

/**
 * Shannon entropy (nats) of softmax(logits) of each row of `logits` (rows x
 * classes, row-major). Stable for large logits; -Infinity logits (masked
 * classes) contribute nothing. Pure.
 *
 * @example
 * softmaxEntropies(new Float32Array([0, 0, 9, -9]), 2); // [ln 2, ~2.3e-7]
 */
export function softmaxEntropies(logits: Float32Array, classes: number): Float32Array {
  if (!(Number.isInteger(classes) && classes > 0)) throw new InvalidArgumentError('classes', classes, 'a positive integer');
  if (logits.length % classes !== 0) throw new InvalidArgumentError('logits.length', logits.length, `a multiple of ${classes} classes`);
  const rows = logits.length / classes;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logits[base + c] as number;
      if (Number.isNaN(v)) throw new InvalidArgumentError(`logits[${base + c}]`, v, 'a number (not NaN)');
      if (v > max) max = v;
    }
    if (max === -Infinity) throw new InvalidArgumentError(`logits row ${r}`, '-Infinity', 'at least one finite logit');
    let z = 0;
    let weighted = 0;
    for (let c = 0; c < classes; c++) {
      const d = (logits[base + c] as number) - max;
      if (d === -Infinity) continue;
      const e = Math.exp(d);
      z += e;
      weighted += e * d;
    }
    // H = log Z - sum(e_c d_c) / Z with d_c = l_c - max, Z = sum(e_c).
    out[r] = Math.max(0, Math.log(z) - weighted / z);
  }
  return out;
}

/**
 * Chooses a task per row from `entropies[k][row]` (one array per candidate
 * task, all of one length): the index k of the lowest entropy per row
 * (`sample`) or of the lowest mean entropy, for every row (`batch`). Ties go
 * to the lower index. Pure.
 */
export function chooseTasks(entropies: readonly Float32Array[], mode: TaskInferenceMode): Int32Array {
  if (!TASK_INFERENCE_MODES.includes(mode)) throw new InvalidArgumentError('mode', mode, TASK_INFERENCE_MODES.join(', '));
  const first = entropies[0];
  if (first === undefined) throw new InvalidArgumentError('entropies', entropies, 'at least one task');
  const rows = first.length;
  entropies.forEach((e, k) => {
    if (e.length !== rows) throw new InvalidArgumentError(`entropies[${k}].length`, e.length, `${rows} (one per row)`);
  });
  const out = new Int32Array(rows);
  if (mode === 'batch') {
    let best = 0;
    let bestMean = Infinity;
    entropies.forEach((e, k) => {
      let sum = 0;
      for (const v of e) sum += v;
      const mean = rows === 0 ? 0 : sum / rows;
      if (mean < bestMean) {
        bestMean = mean;
        best = k;
      }
    });
    return out.fill(best);
  }
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = Infinity;
    entropies.forEach((e, k) => {
      const v = e[r] as number;
      if (v < bestValue) {
        bestValue = v;
        best = k;
      }
    });
    out[r] = best;
  }
  return out;
}

/** Argmax of each row of `logits` (rows x classes); ties go to the lower class. Pure. */
export function rowArgmax(logits: Float32Array, classes: number): Int32Array {
  if (!(Number.isInteger(classes) && classes > 0) || logits.length % classes !== 0) throw new InvalidArgumentError('classes', classes, `a positive divisor of ${logits.length}`);
  const rows = logits.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((logits[r * classes + c] as number) > (logits[r * classes + best] as number)) best = c;
    out[r] = best;
  }
  return out;
}
