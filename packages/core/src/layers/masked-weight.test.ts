import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { withLeakCheck, withLeakCheckSync } from '../tensors/leak-check.js';
import { tf } from '../tf.js';
import { MaskedDense } from './dense.js';
import { isAllOnes, maskedWeightFn, type EffectiveWeightFn, type MaskFacts } from './masked-weight.js';
import { ParameterFactory } from './parameter-factory.js';

type MaskKind = 'none' | 'ones' | 'partial';
const KINDS: readonly MaskKind[] = ['none', 'ones', 'partial'];

/** The mask of `kind` over `bits` (undefined for 'none', all ones for 'ones'). */
function maskOf(kind: MaskKind, bits: readonly boolean[]): tf.Tensor | undefined {
  if (kind === 'none') return undefined;
  return tf.tensor1d(bits.map((b) => (kind === 'ones' || b ? 1 : 0)), 'float32');
}

/** Forward values and the gradient of sum(effective(w) * c) with respect to w. */
function valueAndGrad(fn: EffectiveWeightFn | undefined, w: tf.Tensor, c: tf.Tensor): { value: Float32Array; grad: Float32Array } {
  const f = fn ?? ((t: tf.Tensor) => t);
  return tf.tidy(() => {
    const value = Float32Array.from(f(w).dataSync() as Float32Array);
    const grad = Float32Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), c)))(w).dataSync() as Float32Array);
    return { value, grad };
  });
}

function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Object.is(actual[i], expected[i])).toBe(true);
}

/** Names of the kernels `f` runs. */
async function kernelNames(f: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  const info = await tf.profile(() => {
    const out = f();
    tf.dispose(out);
  });
  return info.kernelNames;
}

describe('maskedWeightFn', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('isAllOnes is true only when every value is exactly 1', () => {
    withLeakCheckSync(() => {
      const cases: [number[], boolean][] = [
        [[1, 1, 1], true],
        [[1, 0, 1], false],
        [[0, 0, 0], false],
        [[1, Number.NaN], false],
        [[1, 1.0000001], false],
        [[2, 1], false],
      ];
      for (const [values, expected] of cases) {
        const t = tf.tensor1d(values, 'float32');
        expect(isAllOnes(t)).toBe(expected);
        t.dispose();
      }
    });
  });

  it('masks known to be all ones give bit-identical values and gradients without their multiply (property)', () => {
    const weight = fc.oneof(fc.float({ noDefaultInfinity: true, noNaN: true, min: -10, max: 10 }), fc.constant(-0), fc.constant(0));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(weight, fc.float({ noNaN: true, min: -2, max: 2 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...KINDS),
        fc.constantFrom(...KINDS),
        (rows, visibleKind, trainableKind) => {
          withLeakCheckSync(() => {
            const w = tf.tensor1d(rows.map((r) => r[0]), 'float32');
            const c = tf.tensor1d(rows.map((r) => r[1]), 'float32');
            const visible = maskOf(visibleKind, rows.map((r) => r[2]));
            const trainable = maskOf(trainableKind, rows.map((r) => r[3]));
            const facts: MaskFacts = { visibleAllOnes: visibleKind === 'ones', trainableAllOnes: trainableKind === 'ones' };
            const plain = valueAndGrad(maskedWeightFn(visible, trainable), w, c);
            const fast = maskedWeightFn(visible, trainable, facts);
            if (visibleKind !== 'partial' && trainableKind !== 'partial') expect(fast).toBeUndefined();
            const skipped = valueAndGrad(fast, w, c);
            expectSameBits(skipped.value, plain.value);
            expectSameBits(skipped.grad, plain.grad);
            tf.dispose([w, c, visible, trainable].filter((t): t is tf.Tensor => t !== undefined));
          });
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('keeps the exact gradient dy of an all-ones trainable mask under a partial visible mask (outside the subset contract)', () => {
    withLeakCheckSync(() => {
      const w = tf.tensor1d([0.5, -2, 3], 'float32');
      const c = tf.tensor1d([1, 2, 3], 'float32');
      const visible = tf.tensor1d([1, 0, 1], 'float32');
      const trainable = tf.ones([3]);
      const { value, grad } = valueAndGrad(maskedWeightFn(visible, trainable, { trainableAllOnes: true }), w, c);
      expectSameBits(value, Float32Array.from([0.5, -0, 3]));
      expectSameBits(grad, Float32Array.from([1, 2, 3]));
      tf.dispose([w, c, visible, trainable]);
    });
  });

  it("PackNet's training masks (visible all ones) add no forward multiply and no copy; all-ones masks add no op", async () => {
    await withLeakCheck(async () => {
      const dense = new MaskedDense('d', [6], { units: 4 }, new ParameterFactory(3));
      const trainable = tf.tensor2d([...Array(24).keys()].map((i) => i % 2), [6, 4], 'float32');
      dense.kernel.setMasks({ visible: tf.ones([6, 4]), trainable });
      const forward = await kernelNames(() => dense.kernel.effective());
      expect(forward).not.toContain('Multiply');
      expect(forward).not.toContain('Identity');
      const backward = await kernelNames(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(dense.kernel.effective()), [dense.kernel.variable]);
        return [value, ...(Object.values(grads) as tf.Tensor[])];
      });
      expect(backward.filter((k) => k === 'Multiply')).toHaveLength(1);
      dense.kernel.setMasks({ visible: tf.ones([6, 4]), trainable: tf.ones([6, 4]) });
      expect(dense.kernel.effective()).toBe(dense.kernel.variable);
      dense.kernel.setMasks({ visible: tf.ones([6, 4]) });
      expect(dense.kernel.effective()).toBe(dense.kernel.variable);
      expect(dense.kernel.visibleMask?.shape).toEqual([6, 4]);
      dense.dispose();
    });
  });
});
