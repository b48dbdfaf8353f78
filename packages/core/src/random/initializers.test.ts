import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fans, initialValues, type InitializerName } from './initializers.js';
import { Rng } from './rng.js';

describe('initialisers', () => {
  it('fans follow Keras for dense and conv shapes', () => {
    expect(fans([784, 400])).toEqual({ fanIn: 784, fanOut: 400 });
    expect(fans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(fans([10])).toEqual({ fanIn: 10, fanOut: 10 });
  });

  it('same seed gives bit-identical values, different seeds differ', () => {
    const names: InitializerName[] = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'uniform'];
    for (const name of names) {
      const a = initialValues(name, [30, 20], Rng.fromSeed(5));
      const b = initialValues(name, [30, 20], Rng.fromSeed(5));
      const c = initialValues(name, [30, 20], Rng.fromSeed(6));
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    }
  });

  it('uniform initialisers stay inside their limits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.nat(), (fin, fout, seed) => {
        const glorot = initialValues('glorotUniform', [fin, fout], Rng.fromSeed(seed));
        const he = initialValues('heUniform', [fin, fout], Rng.fromSeed(seed));
        const gl = Math.fround(Math.sqrt(6 / (fin + fout)));
        const hl = Math.fround(Math.sqrt(6 / fin));
        for (const v of glorot) expect(Math.abs(v)).toBeLessThanOrEqual(gl);
        for (const v of he) expect(Math.abs(v)).toBeLessThanOrEqual(hl);
      }),
      { numRuns: 40 },
    );
  });

  it('normal initialisers have the intended standard deviation', () => {
    const v = initialValues('heNormal', [500, 400], Rng.fromSeed(1));
    let s2 = 0;
    for (const x of v) s2 += x * x;
    const std = Math.sqrt(s2 / v.length);
    expect(Math.abs(std - Math.sqrt(2 / 500)) / Math.sqrt(2 / 500)).toBeLessThan(0.02);
    for (const x of v) expect(Math.abs(x)).toBeLessThanOrEqual((2 * Math.sqrt(2 / 500)) / 0.8796256610342398 + 1e-6);
  });

  it('zeros, ones and the uniform limit option', () => {
    expect([...initialValues('zeros', [3], Rng.fromSeed(1))]).toEqual([0, 0, 0]);
    expect([...initialValues('ones', [2, 2], Rng.fromSeed(1))]).toEqual([1, 1, 1, 1]);
    for (const x of initialValues({ name: 'uniform', limit: 0.01 }, [100], Rng.fromSeed(1))) expect(Math.abs(x)).toBeLessThan(0.01);
  });

  it('rejects unknown names and bad shapes', () => {
    expect(() => initialValues('lecun' as InitializerName, [2], Rng.fromSeed(1))).toThrow(/initializer: expected one of/);
    expect(() => initialValues('zeros', [2, -1], Rng.fromSeed(1))).toThrow(/shape/);
  });
});
