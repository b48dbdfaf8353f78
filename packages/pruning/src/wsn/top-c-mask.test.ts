import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initBackend, InvalidArgumentError, tf, withLeakCheck, withLeakCheckSync } from '@retain/core';
import { topCScoreMask, wsnMaskedWeight } from './top-c-mask.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A variable over `init`, without leaving the initial tensor behind (tidy keeps variables). */
function variable(init: () => tf.Tensor, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(init(), true, name));
}

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('topCScoreMask forward', () => {
  it('selects the top-c fraction of |scores|, ties to the lower index', () => {
    withLeakCheckSync(() => {
      const scores = tf.tensor2d([
        [0.3, -0.9, 0.1],
        [0.5, -0.3, 0.0],
      ]);
      const half = topCScoreMask(scores, 0.5);
      expect(half.shape).toEqual([2, 3]);
      expect(half.dtype).toBe('float32');
      // |s| = .3 .9 .1 .5 .3 0; top 3: .9, .5, then the first .3 (index 0 before index 4).
      expect(values(half)).toEqual([1, 1, 0, 1, 0, 0]);
      const byValue = topCScoreMask(scores, 0.5, { rankBy: 'value' });
      expect(values(byValue)).toEqual([1, 0, 1, 1, 0, 0]);
      const eligible = topCScoreMask(scores, 0.5, { eligible: [2, 4, 5] });
      // Eligible |s| = .1 (2), .3 (4), 0 (5): round(1.5) = 2 kept.
      expect(values(eligible)).toEqual([0, 0, 1, 0, 1, 0]);
      expect(tf.tidy(() => values(topCScoreMask(scores, 0)))).toEqual([0, 0, 0, 0, 0, 0]);
      expect(tf.tidy(() => values(topCScoreMask(scores, 1)))).toEqual([1, 1, 1, 1, 1, 1]);
      tf.dispose([scores, half, byValue, eligible]);
    });
  });

  it('keeps exactly round(c * n) of the largest |scores|', () => {
    fc.assert(
      fc.property(fc.float32Array({ noNaN: true, noDefaultInfinity: true, minLength: 1, maxLength: 64 }), fc.double({ min: 0, max: 1, noNaN: true }), (s, c) => {
        const mask = tf.tidy(() => values(topCScoreMask(tf.tensor1d(s), c)));
        const kept = mask.reduce((a, b) => a + b, 0);
        expect(kept).toBe(Math.round(c * s.length));
        const keptMin = Math.min(...s.filter((_, i) => mask[i] === 1).map(Math.abs));
        const droppedMax = Math.max(...s.filter((_, i) => mask[i] === 0).map(Math.abs));
        expect(keptMin >= droppedMax).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('masks kept from earlier calls stay intact (the upload buffer is reused)', () => {
    withLeakCheckSync(() => {
      const a = tf.tensor1d([3, -1, 2, 0.5]);
      const b = tf.tensor1d([0.1, 4, -0.2, 5]);
      const ma = topCScoreMask(a, 0.5);
      const mb = topCScoreMask(b, 0.5);
      expect(values(ma)).toEqual([1, 0, 1, 0]);
      expect(values(mb)).toEqual([0, 1, 0, 1]);
      tf.dispose([a, b, ma, mb]);
    });
  });

  it('stays exact step after step while the scores drift, jump and tie (the threshold guess never changes the mask)', () => {
    withLeakCheckSync(() => {
      const n = 3000;
      const s = variable(() => tf.randomNormal([n], 0, 0.01, 'float32', 7), 'wsn-drift-scores');
      const other = variable(() => tf.randomNormal([n], 0, 1, 'float32', 8), 'wsn-drift-other');
      const reference = (t: tf.Tensor, c: number): number[] => {
        const v = Array.from(t.dataSync());
        const order = [...v.keys()].sort((i, j) => (Math.abs(v[i]!) === Math.abs(v[j]!) ? i - j : Math.abs(v[j]!) - Math.abs(v[i]!)));
        const mask = new Array<number>(n).fill(0);
        for (const i of order.slice(0, Math.round(c * n))) mask[i] = 1;
        return mask;
      };
      const updates: ((t: tf.Tensor) => tf.Tensor)[] = [
        (t) => tf.mul(t, 1.001),
        (t) => tf.add(t, tf.randomNormal([n], 0, 0.0005, 'float32', 9)),
        (t) => tf.mul(t, 1.01),
        (t) => tf.mul(t, 40), // a jump far outside any guess
        (t) => tf.round(tf.mul(t, 3)), // heavy ties, zeros and signs
        (t) => tf.mul(t, -0.5),
        (t) => tf.add(t, 1e-3),
      ];
      for (const update of updates) {
        tf.tidy(() => s.assign(update(s)));
        for (const c of [0.5, 0.3]) {
          expect(tf.tidy(() => values(topCScoreMask(s, c)))).toEqual(reference(s, c));
          // Another scores tensor in between keeps its own threshold track.
          expect(tf.tidy(() => values(topCScoreMask(other, c)))).toEqual(reference(other, c));
        }
      }
      s.dispose();
      other.dispose();
    });
  });

  it('rejects c outside [0, 1] and non-float scores', () => {
    withLeakCheckSync(() => {
      const scores = tf.tensor1d([1, 2]);
      const ints = tf.tensor1d([1, 2], 'int32');
      expect(() => topCScoreMask(scores, 1.5)).toThrow(InvalidArgumentError);
      expect(() => topCScoreMask(scores, -0.5)).toThrow(/^c: expected a number in \[0, 1\]/);
      expect(() => topCScoreMask(ints, 0.5)).toThrow(/scores\.dtype/);
      const three = tf.ones([3]);
      expect(() => wsnMaskedWeight(scores, three, 0.5)).toThrow(/scores\.shape/);
      expect(() => wsnMaskedWeight(scores, scores, 0.5, { trainable: three })).toThrow(/^trainable: expected a float32 0\/1 tensor of shape \[2\]/);
      expect(() => wsnMaskedWeight(scores, scores, 0.5, { trainable: ints })).toThrow(/trainable/);
      expect(() => wsnMaskedWeight(scores, scores, 2)).toThrow(/^c:/);
      tf.dispose([scores, ints, three]);
    });
  });
});

describe('topCScoreMask backward (straight-through)', () => {
  it('passes the gradient to the scores unchanged', async () => {
    await withLeakCheck(() => {
      const scores = tf.tensor1d([0.2, -1.5, 0.7, 0.05]);
      const upstream = tf.tensor1d([3, -2, 0.5, 4]);
      const [grad] = tf.grads((s: tf.Tensor) => tf.sum(tf.mul(topCScoreMask(s, 0.5), upstream)))([scores]);
      // d/ds sum(mask(s) * u) = u, straight through, selected or not.
      expect(values(grad!)).toEqual([3, -2, 0.5, 4]);
      tf.dispose([scores, upstream, grad!]);
    });
  });

  it('wsnMaskedWeight: gradient dy * mask to the weights and dy * w to the scores', async () => {
    await withLeakCheck(() => {
      const w = variable(
        () =>
          tf.tensor2d([
            [0.5, -1, 2],
            [1.5, 0.25, -0.75],
          ]),
        'wsn-test-weights',
      );
      const scores = variable(
        () =>
          tf.tensor2d([
            [0.9, -0.1, 0.4],
            [-0.8, 0.3, 0.2],
          ]),
        'wsn-test-scores',
      );
      const u = tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(wsnMaskedWeight(w, scores, 0.5), u)) as tf.Scalar, [w, scores]);
      // |scores| top 3 of 6: 0.9, 0.8, 0.4 -> mask [1 0 1; 1 0 0].
      const mask = [1, 0, 1, 1, 0, 0];
      const wv = [0.5, -1, 2, 1.5, 0.25, -0.75];
      const uv = [1, 2, 3, 4, 5, 6];
      expect(value.dataSync()[0]).toBeCloseTo(0.5 * 1 + 2 * 3 + 1.5 * 4, 5);
      expect(values(grads['wsn-test-weights']!)).toEqual(uv.map((x, i) => x * mask[i]!));
      const gs = values(grads['wsn-test-scores']!);
      uv.forEach((x, i) => expect(gs[i]).toBeCloseTo(x * wv[i]!, 6));
      tf.dispose([value, ...Object.values(grads), u]);
      w.dispose();
      scores.dispose();
    });
  });

  it('wsnMaskedWeight with trainable: dy * mask * trainable to the weights, dy * w to the scores, no leak', async () => {
    await withLeakCheck(() => {
      const w = variable(() => tf.tensor1d([0.5, -1, 2, 1.5, 0.25, -0.75]), 'wsn-trainable-w');
      const scores = variable(() => tf.tensor1d([0.9, -0.1, 0.4, -0.8, 0.3, 0.2]), 'wsn-trainable-s');
      const trainable = tf.tensor1d([1, 1, 0, 1, 0, 1]);
      const u = tf.tensor1d([1, 2, 3, 4, 5, 6]);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(wsnMaskedWeight(w, scores, 0.5, { trainable }), u)) as tf.Scalar, [w, scores]);
      // Mask [1 0 1 1 0 0]; trainable [1 1 0 1 0 1]: weights' gradient u * mask * trainable.
      expect(value.dataSync()[0]).toBeCloseTo(0.5 * 1 + 2 * 3 + 1.5 * 4, 5);
      expect(values(grads['wsn-trainable-w']!)).toEqual([1, 0, 0, 4, 0, 0]);
      const gs = values(grads['wsn-trainable-s']!);
      [0.5, -2, 6, 6, 1.25, -4.5].forEach((g, i) => expect(gs[i]).toBeCloseTo(g, 6));
      // Without a tape (inference) nothing is saved or left behind either.
      const plain = wsnMaskedWeight(w, scores, 0.5, { trainable });
      expect(values(plain).map((v) => v + 0)).toEqual([0.5, 0, 2, 1.5, 0, 0]); // + 0: w * 0 is -0 for w < 0
      tf.dispose([value, ...Object.values(grads), u, trainable, plain]);
      w.dispose();
      scores.dispose();
    });
  });

  it('trains the scores: a step on the scores can change which weights are selected', async () => {
    await withLeakCheck(() => {
      const w = variable(() => tf.tensor1d([1, 1, 1, 1]), 'wsn-train-w');
      const scores = variable(() => tf.tensor1d([0.4, 0.3, 0.2, 0.1]), 'wsn-train-s');
      const target = tf.tensor1d([0, 0, 1, 1]);
      const optimizer = tf.train.sgd(1);
      const before = tf.tidy(() => values(topCScoreMask(scores, 0.5)));
      for (let step = 0; step < 3; step++) {
        const cost = optimizer.minimize(() => tf.sum(tf.square(tf.sub(wsnMaskedWeight(w, scores, 0.5), target))) as tf.Scalar, true, [scores]);
        cost?.dispose();
      }
      const after = tf.tidy(() => values(topCScoreMask(scores, 0.5)));
      expect(before).toEqual([1, 1, 0, 0]);
      expect(after).toEqual([0, 0, 1, 1]);
      optimizer.dispose();
      tf.dispose([w, scores, target]);
    });
  });
});
