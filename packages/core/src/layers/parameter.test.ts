import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { InvalidArgumentError } from '../errors/retain-error.js';
import { Rng } from '../random/rng.js';
import { withLeakCheck, withLeakCheckSync } from '../tensors/leak-check.js';
import { tf } from '../tf.js';
import { MaskedConv2d } from './conv2d.js';
import { MaskedDense } from './dense.js';
import { DisposedError } from './layer-errors.js';
import type { WeightTransform } from './parameter.js';
import { ParameterFactory } from './parameter-factory.js';

/** A 0/1 Float32Array with about `p` ones. */
function binary(rng: Rng, size: number, p: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.nextFloat() < p ? 1 : 0;
  return out;
}

function randomValues(rng: Rng, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

function data(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

function sumSquares(t: tf.Tensor): tf.Scalar {
  return tf.sum(tf.square(t));
}

describe('masked parameters', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('adds no op without masks: effective() is the variable itself', () => {
    withLeakCheckSync(() => {
      const dense = new MaskedDense('d', [4], { units: 3 }, new ParameterFactory(1));
      expect(dense.kernel.effective()).toBe(dense.kernel.variable);
      expect(dense.bias?.effective()).toBe(dense.bias?.variable);
      dense.dispose();
    });
  });

  it("trainableIn 'optimizer': no op in the forward or backward pass, the mask is handed to the optimiser instead", () => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(12);
      const dense = new MaskedDense('d', [5], { units: 4 }, new ParameterFactory(2));
      const trainable = tf.tensor(binary(rng, 20, 0.5), [5, 4]);
      dense.kernel.setMasks({ visible: tf.ones([5, 4]), trainable, trainableIn: 'optimizer' });
      expect(dense.kernel.effective()).toBe(dense.kernel.variable);
      expect(dense.kernel.optimizerMask).toBe(trainable);
      expect(dense.kernel.trainableMask).toBe(trainable);
      // The gradient is the unmasked one (the optimiser masks it).
      const x = tf.tensor(randomValues(rng, 10), [2, 5]);
      const name = dense.kernel.variable.name;
      const masked = tf.variableGrads(() => sumSquares(dense.apply(x)), [dense.kernel.variable]);
      dense.kernel.clearMasks();
      const plain = tf.variableGrads(() => sumSquares(dense.apply(x)), [dense.kernel.variable]);
      expect(Array.from(data(masked.grads[name]!))).toEqual(Array.from(data(plain.grads[name]!)));
      expect(dense.kernel.optimizerMask).toBeUndefined();
      // Default 'gradient': the backward pass masks it and the optimiser has nothing to do.
      const second = tf.tensor(binary(rng, 20, 0.5), [5, 4]);
      dense.kernel.setMasks({ trainable: second });
      expect(dense.kernel.optimizerMask).toBeUndefined();
      const ones = tf.ones([5, 4]);
      expect(() => dense.kernel.setMasks({ trainable: ones, trainableIn: 'later' as 'optimizer' })).toThrow(InvalidArgumentError);
      expect(dense.kernel.trainableMask).toBe(second); // nothing changed
      tf.dispose([x, ones, masked.value, plain.value, ...Object.values(masked.grads), ...Object.values(plain.grads)]);
      dense.dispose();
    });
  });

  it('dense forward with a visible mask equals the dense layer with those weights zeroed', () => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(3);
      const dense = new MaskedDense('d', [6], { units: 4, activation: 'relu' }, new ParameterFactory(2));
      const visible = binary(rng, 24, 0.5);
      const zeroed = dense.kernel.read().map((w, i) => w * (visible[i] ?? 0));
      dense.kernel.setMasks({ visible: tf.tensor(visible, [6, 4]) });
      const x = tf.tensor(randomValues(rng, 18), [3, 6]);
      const got = tf.tidy(() => data(dense.apply(x)));
      const want = tf.tidy(() =>
        data(tf.fused.matMul({ a: x as tf.Tensor2D, b: tf.tensor2d(zeroed, [6, 4]), bias: dense.bias?.variable, activation: 'relu' })),
      );
      expect(got).toEqual(want);
      x.dispose();
      dense.dispose();
    });
  });

  it('conv2d forward with a visible mask equals the convolution with those weights zeroed', () => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(4);
      const conv = new MaskedConv2d('c', [5, 5, 2], { filters: 3, kernelSize: 3, stride: 2, padding: 1 }, new ParameterFactory(5));
      const visible = binary(rng, 3 * 3 * 2 * 3, 0.4);
      const zeroed = conv.kernel.read().map((w, i) => w * (visible[i] ?? 0));
      conv.kernel.setMasks({ visible: tf.tensor(visible, [3, 3, 2, 3]) });
      const x = tf.tensor(randomValues(rng, 2 * 5 * 5 * 2), [2, 5, 5, 2]);
      const got = tf.tidy(() => data(conv.apply(x)));
      const want = tf.tidy(() =>
        data(
          tf.add(
            tf.conv2d(x as tf.Tensor4D, tf.tensor4d(zeroed, [3, 3, 2, 3]), 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
            conv.bias?.variable ?? tf.scalar(0),
          ),
        ),
      );
      expect(got.length).toBe(2 * 3 * 3 * 3);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i] ?? NaN, 5);
      x.dispose();
      conv.dispose();
    });
  });

  it.each([
    ['visible and trainable', true],
    ['trainable only', false],
  ])('gradients are exactly zero where trainable = 0 (%s), and the masked forward gradient elsewhere', (_label, withVisible) => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(withVisible ? 11 : 12);
      const factory = new ParameterFactory(7);
      const dense = new MaskedDense('d', [5], { units: 4 }, factory);
      const visible = withVisible ? binary(rng, 20, 0.7) : new Float32Array(20).fill(1);
      const trainable = visible.map((v) => (v === 1 && rng.nextFloat() < 0.5 ? 1 : 0));
      // Reference: an unmasked variable holding the visible weights.
      const initial = tf.tensor2d(dense.kernel.read().map((w, i) => w * (visible[i] ?? 0)), [5, 4]);
      const reference = tf.variable(initial);
      initial.dispose();
      dense.kernel.setMasks({
        visible: withVisible ? tf.tensor(visible, [5, 4]) : undefined,
        trainable: tf.tensor(trainable, [5, 4]),
      });
      const x = tf.tensor(randomValues(rng, 15), [3, 5]);
      const masked = tf.variableGrads(() => sumSquares(dense.apply(x)), [dense.kernel.variable]);
      const plain = tf.variableGrads(
        () => sumSquares(tf.add(tf.matMul(x, reference), dense.bias?.variable ?? tf.scalar(0))),
        [reference],
      );
      const g = data(masked.grads[dense.kernel.variable.name] as tf.Tensor);
      const r = data(plain.grads[reference.name] as tf.Tensor);
      expect(masked.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0] ?? NaN, 5);
      let frozen = 0;
      for (let i = 0; i < g.length; i++) {
        if (trainable[i] === 0) {
          expect(Object.is(g[i], 0) || Object.is(g[i], -0)).toBe(true);
          frozen++;
        } else {
          expect(g[i]).toBeCloseTo(r[i] ?? NaN, 5);
        }
      }
      expect(frozen).toBeGreaterThan(0);
      tf.dispose([masked.value, plain.value, x, reference]);
      tf.dispose(Object.values(masked.grads) as tf.Tensor[]);
      tf.dispose(Object.values(plain.grads) as tf.Tensor[]);
      dense.dispose();
    });
  });

  it('Adam leaves weights with trainable = 0 (and frozen biases) bit-identical and moves the others', async () => {
    await withLeakCheck(() => {
      const rng = Rng.fromSeed(21);
      const conv = new MaskedConv2d('c', [6, 6, 2], { filters: 4, kernelSize: 3, padding: 'same' }, new ParameterFactory(8));
      const dense = new MaskedDense('d', [6 * 6 * 4], { units: 3 }, new ParameterFactory(9));
      const convTrainable = binary(rng, 3 * 3 * 2 * 4, 0.5);
      const denseTrainable = binary(rng, 144 * 3, 0.5);
      conv.kernel.setMasks({ trainable: tf.tensor(convTrainable, [3, 3, 2, 4]) });
      dense.kernel.setMasks({ visible: tf.ones([144, 3]), trainable: tf.tensor(denseTrainable, [144, 3]) });
      if (conv.bias !== undefined) conv.bias.frozen = true;
      const before = [conv.kernel.read(), dense.kernel.read(), conv.bias?.read() ?? new Float32Array()];
      const x = tf.tensor(randomValues(rng, 2 * 6 * 6 * 2), [2, 6, 6, 2]);
      const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3));
      const optimizer = tf.train.adam(0.05);
      const vars = [conv.kernel.variable, dense.kernel.variable, ...(conv.bias ? [conv.bias.variable] : []), ...(dense.bias ? [dense.bias.variable] : [])];
      for (let step = 0; step < 5; step++) {
        optimizer.minimize(() => {
          const h = tf.reshape(tf.relu(conv.apply(x)), [2, 144]);
          return tf.losses.softmaxCrossEntropy(labels, dense.apply(h)) as tf.Scalar;
        }, false, vars);
      }
      const after = [conv.kernel.read(), dense.kernel.read(), conv.bias?.read() ?? new Float32Array()];
      for (const [k, mask] of [[0, convTrainable], [1, denseTrainable]] as const) {
        let moved = 0;
        for (let i = 0; i < mask.length; i++) {
          if (mask[i] === 0) expect(after[k]?.[i]).toBe(before[k]?.[i]);
          else if (after[k]?.[i] !== before[k]?.[i]) moved++;
        }
        expect(moved).toBeGreaterThan(0);
      }
      expect(after[2]).toEqual(before[2]);
      optimizer.dispose();
      tf.dispose([x, labels]);
      conv.dispose();
      dense.dispose();
    });
  });

  it('a weight transform with a straight-through gradient (WSN-style top-50% scores) trains weights and scores', () => {
    withLeakCheckSync(() => {
      const rng = Rng.fromSeed(31);
      const dense = new MaskedDense('d', [4], { units: 3, useBias: false }, new ParameterFactory(10));
      const scoreValues = randomValues(rng, 12);
      const scores = tf.tidy(() => tf.variable(tf.tensor2d(scoreValues, [4, 3])));
      // Top half of |scores| by a sort in JS: the test's own reference mask.
      const threshold = [...scoreValues].map(Math.abs).sort((a, b) => b - a)[5] ?? 0;
      const mask = scoreValues.map((s) => (Math.abs(s) >= threshold ? 1 : 0));
      // Tensors the backward pass needs go through save(): customGrad's forward runs in a tidy.
      const topHalf = tf.customGrad((...inputs) => {
        const [w, s, save] = inputs as [tf.Tensor, tf.Tensor, (t: tf.Tensor[]) => void];
        const k = Math.floor(s.size / 2);
        const thr = tf.min(tf.topk(tf.reshape(tf.abs(s), [-1]), k).values);
        const m = tf.cast(tf.greaterEqual(tf.abs(s), thr), 'float32');
        save([w, m]);
        return {
          value: tf.mul(w, m),
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const [wSaved, mSaved] = saved as [tf.Tensor, tf.Tensor];
            return [tf.mul(dy, mSaved), tf.mul(dy, wSaved)];
          },
        };
      });
      let disposedByLayer = false;
      const transform: WeightTransform = {
        apply: (w) => topHalf(w, scores),
        variables: [scores],
        dispose: () => {
          disposedByLayer = true;
          scores.dispose();
        },
      };
      dense.kernel.setTransform(transform);
      const w = dense.kernel.read();
      const x = tf.tensor(randomValues(rng, 8), [2, 4]);
      const out = tf.tidy(() => data(dense.apply(x)));
      const want = tf.tidy(() => data(tf.matMul(x, tf.tensor2d(w.map((v, i) => v * (mask[i] ?? 0)), [4, 3]))));
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(want[i] ?? NaN, 6);
      // dL/dEffective for L = sum(y^2): G = x^T (2 y); dW = G * mask, dScores = G * W (straight through the top-k).
      const { value, grads } = tf.variableGrads(() => sumSquares(dense.apply(x)), [dense.kernel.variable, scores]);
      const g = tf.tidy(() => data(tf.matMul(x, tf.mul(tf.tensor2d(want, [2, 3]), 2), true, false)));
      const dW = data(grads[dense.kernel.variable.name] as tf.Tensor);
      const dS = data(grads[scores.name] as tf.Tensor);
      for (let i = 0; i < 12; i++) {
        expect(dW[i]).toBeCloseTo((g[i] ?? NaN) * (mask[i] ?? NaN), 5);
        expect(dS[i]).toBeCloseTo((g[i] ?? NaN) * (w[i] ?? NaN), 5);
      }
      tf.dispose([value, x, ...(Object.values(grads) as tf.Tensor[])]);
      dense.kernel.clearMasks();
      expect(disposedByLayer).toBe(true);
      expect(dense.kernel.effective()).toBe(dense.kernel.variable);
      dense.dispose();
    });
  });

  describe('ownership: the parameter owns the masks it is given', () => {
    it('keeps masks made inside tf.tidy, disposes replaced ones, keeps one passed again', () => {
      withLeakCheckSync(() => {
        const dense = new MaskedDense('d', [3], { units: 2 }, new ParameterFactory(1));
        const [v1, t1] = tf.tidy(() => {
          const v = tf.ones([3, 2]);
          const t = tf.ones([3, 2]);
          dense.kernel.setMasks({ visible: v, trainable: t });
          return [v, t];
        });
        expect(v1.isDisposed).toBe(false);
        expect(t1.isDisposed).toBe(false);
        const t2 = tf.zeros([3, 2]);
        dense.kernel.setMasks({ visible: v1, trainable: t2 });
        expect(v1.isDisposed).toBe(false);
        expect(t1.isDisposed).toBe(true);
        expect(dense.kernel.visibleMask).toBe(v1);
        expect(dense.kernel.trainableMask).toBe(t2);
        dense.kernel.setTransform((w) => tf.mul(w, 2));
        expect(v1.isDisposed).toBe(true);
        expect(t2.isDisposed).toBe(true);
        const v3 = tf.ones([3, 2]);
        dense.kernel.setMasks({ visible: v3 });
        expect(dense.kernel.transform).toBeUndefined();
        dense.dispose();
        expect(v3.isDisposed).toBe(true);
        expect(dense.kernel.isDisposed).toBe(true);
        expect(() => dense.kernel.effective()).toThrow(DisposedError);
      });
    });

    it('rejects a mask of the wrong shape or dtype, leaving it with the caller', () => {
      withLeakCheckSync(() => {
        const dense = new MaskedDense('d', [3], { units: 2 }, new ParameterFactory(1));
        const wrongShape = tf.ones([2, 3]);
        const wrongType = tf.ones([3, 2], 'int32');
        expect(() => dense.kernel.setMasks({ visible: wrongShape })).toThrow(InvalidArgumentError);
        expect(() => dense.kernel.setMasks({ trainable: wrongType })).toThrow(/dtype/);
        expect(wrongShape.isDisposed).toBe(false);
        expect(dense.kernel.visibleMask).toBeUndefined();
        tf.dispose([wrongShape, wrongType]);
        dense.dispose();
      });
    });

    it('forward, backward and mask changes leak no tensor', () => {
      withLeakCheckSync(() => {
        const dense = new MaskedDense('d', [3], { units: 2 }, new ParameterFactory(1));
        const x = tf.ones([4, 3]);
        for (let round = 0; round < 3; round++) {
          dense.kernel.setMasks({ visible: tf.ones([3, 2]), trainable: tf.zeros([3, 2]) });
          const { value, grads } = tf.variableGrads(() => sumSquares(dense.apply(x)));
          tf.dispose([value, ...(Object.values(grads) as tf.Tensor[])]);
        }
        dense.kernel.clearMasks();
        x.dispose();
        dense.dispose();
      });
    });
  });

  it('a frozen parameter is skipped by tf.variableGrads; running statistics cannot be unfrozen', () => {
    withLeakCheckSync(() => {
      const factory = new ParameterFactory(1);
      const dense = new MaskedDense('d', [3], { units: 2 }, factory);
      const bias = dense.bias!;
      bias.frozen = true;
      const x = tf.ones([1, 3]);
      const { value, grads } = tf.variableGrads(() => sumSquares(dense.apply(x)), [dense.kernel.variable, bias.variable]);
      expect(grads[bias.variable.name]).toBeNull();
      expect(grads[dense.kernel.variable.name]).toBeDefined();
      tf.dispose([value, x, ...(Object.values(grads).filter((g) => g !== null) as tf.Tensor[])]);
      const stats = factory.constant('bn/runningMean', 'bn', 'runningMean', 2, 0);
      expect(stats.frozen).toBe(true);
      expect(() => (stats.frozen = false)).toThrow(InvalidArgumentError);
      stats.dispose();
      dense.dispose();
    });
  });

  it('initialises from per-name seeded streams: same seed and name give the same values', () => {
    withLeakCheckSync(() => {
      const a = new ParameterFactory(5).kernel('x/kernel', 'x', [3, 4]);
      const b = new ParameterFactory(5).kernel('x/kernel', 'x', [3, 4]);
      const c = new ParameterFactory(5).kernel('y/kernel', 'y', [3, 4]);
      const torch = new ParameterFactory(5, 'torch').bias('x/bias', 'x', 4, 3);
      expect(a.read()).toEqual(b.read());
      expect(a.read()).not.toEqual(c.read());
      // glorot-uniform limit sqrt(6 / (3 + 4)); torch bias limit 1 / sqrt(3)
      for (const v of a.read()) expect(Math.abs(v)).toBeLessThanOrEqual(Math.sqrt(6 / 7));
      for (const v of torch.read()) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(3));
      expect(torch.read().some((v) => v !== 0)).toBe(true);
      expect(() => new ParameterFactory(1, 'xavier' as never)).toThrow(InvalidArgumentError);
      for (const p of [a, b, c, torch]) p.dispose();
    });
  });
});
