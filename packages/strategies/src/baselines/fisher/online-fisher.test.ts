import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError, Rng } from '@retain/core';
import { WeightLayoutMismatchError } from '../errors/baseline-errors.js';
import { onlineFisherUpdate } from './online-fisher.js';
import { sampleCategorical } from './categorical-sampling.js';

describe('onlineFisherUpdate', () => {
  it('is gamma * running + fresh (worked example), and a copy of fresh at first', () => {
    const fresh = new Map([['w', Float32Array.of(1, 2, 3)]]);
    const first = onlineFisherUpdate(undefined, fresh, 0.5);
    expect(Array.from(first.get('w')!)).toEqual([1, 2, 3]);
    expect(first.get('w')).not.toBe(fresh.get('w'));
    const second = onlineFisherUpdate(first, new Map([['w', Float32Array.of(10, 0, 1)]]), 0.5);
    expect(Array.from(second.get('w')!)).toEqual([10.5, 1, 2.5]);
    expect(Array.from(first.get('w')!)).toEqual([1, 2, 3]);
  });

  it('decays a task seen k tasks ago by gamma^k', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 6 }), (gamma, later) => {
        let running = onlineFisherUpdate(undefined, new Map([['w', Float32Array.of(1)]]), gamma);
        for (let k = 0; k < later; k++) running = onlineFisherUpdate(running, new Map([['w', Float32Array.of(0)]]), gamma);
        expect(running.get('w')![0]).toBeCloseTo(gamma ** later, 5);
      }),
      { numRuns: 50 },
    );
  });

  it('decays parameters of earlier tasks only and adds new ones', () => {
    const out = onlineFisherUpdate(new Map([['head0', Float32Array.of(4)], ['body', Float32Array.of(2)]]), new Map([['head1', Float32Array.of(1)], ['body', Float32Array.of(1)]]), 0.5);
    expect([...out.keys()].sort()).toEqual(['body', 'head0', 'head1']);
    expect(out.get('head0')![0]).toBe(2);
    expect(out.get('head1')![0]).toBe(1);
    expect(out.get('body')![0]).toBe(2);
  });

  it('rejects gamma outside [0, 1] and lengths that differ', () => {
    const f = new Map([['w', Float32Array.of(1)]]);
    expect(() => onlineFisherUpdate(undefined, f, 1.5)).toThrow(InvalidArgumentError);
    expect(() => onlineFisherUpdate(undefined, f, Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => onlineFisherUpdate(new Map([['w', Float32Array.of(1, 2)]]), f, 1)).toThrow(WeightLayoutMismatchError);
  });
});

describe('sampleCategorical', () => {
  it('draws classes with their probabilities', () => {
    const rng = Rng.fromSeed(7);
    const probs = Float32Array.of(0.2, 0.5, 0.3);
    const counts = [0, 0, 0];
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[sampleCategorical(probs, 1, 3, rng)[0]!]!++;
    // Binomial standard deviation <= sqrt(20000 * 0.25) ~ 71: 5 sigma bounds.
    expect(Math.abs(counts[0]! - 4000)).toBeLessThan(360);
    expect(Math.abs(counts[1]! - 10000)).toBeLessThan(360);
    expect(Math.abs(counts[2]! - 6000)).toBeLessThan(360);
  });

  it('never draws a zero-probability class, row by row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), (seed, classes, rawHot) => {
        const hot = rawHot % classes;
        const probs = new Float32Array(2 * classes);
        probs[hot] = 1;
        probs[classes + ((hot + 1) % classes)] = 1;
        const out = sampleCategorical(probs, 2, classes, Rng.fromSeed(seed));
        expect(Array.from(out)).toEqual([hot, (hot + 1) % classes]);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a shape that does not match and negative probabilities', () => {
    const rng = Rng.fromSeed(1);
    expect(() => sampleCategorical(Float32Array.of(0.5, 0.5, 0), 1, 2, rng)).toThrow(InvalidArgumentError);
    expect(() => sampleCategorical(Float32Array.of(-0.5, 1.5), 1, 2, rng)).toThrow(InvalidArgumentError);
  });
});
