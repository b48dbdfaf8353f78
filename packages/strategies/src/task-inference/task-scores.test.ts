import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseTasks, softmaxEntropies } from './entropy-choice.js';
import { combineTaskOutputs, type TaskOutputs } from './infer-task.js';
import { rowArgmax } from './entropy-choice.js';
import { TASK_INFERENCE_SCORES, taskScores } from './task-scores.js';

const small = fc.float({ min: -20, max: 20, noNaN: true });

/** Rows of `k` logits in [-20, 20]. */
const logitRows = fc.integer({ min: 1, max: 5 }).chain((k) => fc.tuple(fc.constant(k), fc.array(small, { minLength: k, maxLength: 8 * k }).map((a) => a.slice(0, a.length - (a.length % k)))));

function outputs(logits: Float32Array, classes: number): TaskOutputs {
  return { logits, classes, entropies: softmaxEntropies(logits, classes), argmax: rowArgmax(logits, classes) };
}

describe('taskScores', () => {
  it('worked example: two rows [0, 0] and [4, 0]', () => {
    const logits = Float32Array.from([0, 0, 4, 0]);
    const h = taskScores(logits, 2, 'entropy');
    expect(h[0]).toBeCloseTo(Math.log(2), 6);
    const p = 1 / (1 + Math.exp(-4));
    expect(h[1]).toBeCloseTo(-(p * Math.log(p) + (1 - p) * Math.log(1 - p)), 6);
    const msp = taskScores(logits, 2, 'max-softmax');
    expect(msp[0]).toBeCloseTo(Math.log(2), 6);
    expect(msp[1]).toBeCloseTo(-Math.log(p), 6);
    expect(Array.from(taskScores(logits, 2, 'max-logit'))).toEqual([-0, -4]);
    const energy = taskScores(logits, 2, 'energy');
    expect(energy[0]).toBeCloseTo(-Math.log(2), 6);
    expect(energy[1]).toBeCloseTo(-(4 + Math.log(1 + Math.exp(-4))), 6);
  });

  it('errors name the fault', () => {
    expect(() => taskScores(Float32Array.from([0, 1]), 2, 'margin' as never)).toThrow(/score/);
    expect(() => taskScores(Float32Array.from([0, NaN]), 2, 'energy')).toThrow(/NaN/);
    expect(() => taskScores(Float32Array.from([0, 1, 2]), 2, 'max-logit')).toThrow(/multiple/);
    expect(() => taskScores(Float32Array.from([-Infinity, -Infinity]), 2, 'energy')).toThrow(/finite/);
  });

  it('huge logits stay finite and exact (no overflow in the log-sum-exp)', () => {
    const s = taskScores(Float32Array.from([1e30, 1e30]), 2, 'energy')[0] as number;
    expect(s).toBe(Math.fround(-(1e30 + Math.log(2))));
    expect(taskScores(Float32Array.from([1e30, 0]), 2, 'max-softmax')[0]).toBe(0);
    // Confident rows keep their order (no rounding of p_max to 1): 30 vs 40 logits apart.
    const confident = taskScores(Float32Array.from([30, 0, 40, 0]), 2, 'max-softmax');
    expect(confident[1] as number).toBeLessThan(confident[0] as number);
    expect(confident[0]).toBeCloseTo(Math.exp(-30), 20);
  });

  it('bounds and identities: 0 <= max-softmax = max-logit - energy <= ln k; exp(-max-softmax) is the largest softmax probability', () => {
    fc.assert(
      fc.property(logitRows, ([k, row]) => {
        const logits = Float32Array.from(row);
        const msp = taskScores(logits, k, 'max-softmax');
        const ml = taskScores(logits, k, 'max-logit');
        const en = taskScores(logits, k, 'energy');
        for (let r = 0; r < msp.length; r++) {
          expect(msp[r]).toBeGreaterThanOrEqual(0);
          expect(msp[r]).toBeLessThanOrEqual(Math.log(k) + 1e-6);
          expect(msp[r] as number).toBeCloseTo((ml[r] as number) - (en[r] as number), 4);
          const row = Array.from(logits.subarray(r * k, (r + 1) * k));
          const z = row.reduce((a, v) => a + Math.exp(v - Math.max(...row)), 0);
          expect(Math.exp(-(msp[r] as number))).toBeCloseTo(1 / z, 5);
        }
      }),
    );
  });

  it('entropy and max-softmax do not see a shift of all logits; max-logit and energy move by minus the shift', () => {
    fc.assert(
      fc.property(logitRows, small, ([k, row], shift) => {
        const a = Float32Array.from(row);
        const b = Float32Array.from(row, (v) => v + shift);
        for (const score of ['entropy', 'max-softmax'] as const) {
          const sa = taskScores(a, k, score);
          const sb = taskScores(b, k, score);
          sa.forEach((v, r) => expect(sb[r] as number).toBeCloseTo(v, 3));
        }
        for (const score of ['max-logit', 'energy'] as const) {
          const sa = taskScores(a, k, score);
          const sb = taskScores(b, k, score);
          sa.forEach((v, r) => expect(sb[r] as number).toBeCloseTo(v - shift, 3));
        }
      }),
    );
  });

  it('for 2-class heads, max-softmax orders rows as entropy does', () => {
    fc.assert(
      fc.property(fc.array(small, { minLength: 4, maxLength: 40 }), (values) => {
        const logits = Float32Array.from(values.slice(0, values.length - (values.length % 2)));
        const h = taskScores(logits, 2, 'entropy');
        const m = taskScores(logits, 2, 'max-softmax');
        for (let i = 0; i < h.length; i++) {
          for (let j = 0; j < h.length; j++) {
            // Strict order of one implies the non-strict order of the other (round-off aside).
            if ((m[i] as number) < (m[j] as number) - 1e-6) expect(h[i] as number).toBeLessThanOrEqual((h[j] as number) + 1e-6);
          }
        }
      }),
    );
  });
});

describe('combineTaskOutputs with a score', () => {
  it('worked example: entropy and energy disagree on a loud head', () => {
    // Task 0's head: confident but quiet ([2, 0]); task 1's: less confident but loud ([9, 8]).
    const o = [outputs(Float32Array.from([2, 0]), 2), outputs(Float32Array.from([9, 8]), 2)];
    const tasks = [
      { taskId: 0, classes: [0, 1] },
      { taskId: 1, classes: [2, 3] },
    ];
    expect(Array.from(combineTaskOutputs(o, tasks, 'sample').taskId)).toEqual([0]);
    expect(Array.from(combineTaskOutputs(o, tasks, 'sample', 'max-softmax').taskId)).toEqual([0]);
    const energy = combineTaskOutputs(o, tasks, 'sample', 'energy');
    expect(Array.from(energy.taskId)).toEqual([1]);
    expect(Array.from(energy.globalClass)).toEqual([2]);
    expect(energy.score).toBe('energy');
    expect(Array.from(combineTaskOutputs(o, tasks, 'batch', 'max-logit').taskId)).toEqual([1]);
  });

  it('every score: the chosen task minimises that score (per sample) or its mean (per batch)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 6 }), fc.infiniteStream(small), (tasks, k, rows, values) => {
        const it = values[Symbol.iterator]();
        const o = Array.from({ length: tasks }, () => outputs(Float32Array.from({ length: rows * k }, () => it.next().value as number), k));
        const candidates = Array.from({ length: tasks }, (_, t) => ({ taskId: 10 + t, classes: Array.from({ length: k }, (_, c) => t * k + c) }));
        for (const score of TASK_INFERENCE_SCORES) {
          const r = combineTaskOutputs(o, candidates, 'sample', score);
          expect(Array.from(r.taskIndex)).toEqual(Array.from(chooseTasks(o.map((x) => taskScores(x.logits, k, score)), 'sample')));
          r.taskIndex.forEach((t, row) => {
            for (const s of r.scores) expect((r.scores[t] as Float32Array)[row] as number).toBeLessThanOrEqual(s[row] as number);
            expect(r.taskId[row]).toBe(10 + t);
            expect(r.globalClass[row]).toBe(t * k + ((o[t] as TaskOutputs).argmax[row] as number));
          });
          const b = combineTaskOutputs(o, candidates, 'batch', score);
          expect(new Set(b.taskIndex).size).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
