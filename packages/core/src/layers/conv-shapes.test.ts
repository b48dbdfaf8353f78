import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError } from '../errors/retain-error.js';
import { checkPadding, convOutputLength } from './conv-shapes.js';

describe('convOutputLength', () => {
  it('matches worked examples (PyTorch / TensorFlow formulas)', () => {
    // alexnet-cl on 32x32: conv k4 valid 32 -> 29, pool 2 -> 14, k3 -> 12, pool -> 6, k2 -> 5, pool -> 2
    expect(convOutputLength('h', 32, 4, 1, 'valid')).toBe(29);
    expect(convOutputLength('h', 29, 2, 2, 'valid')).toBe(14);
    expect(convOutputLength('h', 5, 2, 2, 'valid')).toBe(2);
    // tinynet: k3 stride 2 padding 1: floor((64 + 2 - 3) / 2) + 1 = 32
    expect(convOutputLength('h', 64, 3, 2, 1)).toBe(32);
    expect(convOutputLength('h', 7, 3, 2, 1)).toBe(4);
    // same: ceil(n / s)
    expect(convOutputLength('h', 7, 3, 2, 'same')).toBe(4);
    expect(convOutputLength('h', 28, 3, 1, 'same')).toBe(28);
  });

  it('throws a typed error when the window does not fit', () => {
    expect(() => convOutputLength('conv3.inputShape[0]', 1, 2, 1, 'valid')).toThrow(InvalidArgumentError);
    expect(() => convOutputLength('h', 2, 5, 1, 1)).toThrow(/conv|window/);
  });

  it('valid windows tile the input: the last window ends inside it, one more would not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), (n, k, s, p) => {
        const padded = n + 2 * p;
        if (padded < k) return;
        const out = convOutputLength('h', n, k, s, p);
        expect((out - 1) * s + k).toBeLessThanOrEqual(padded);
        expect(out * s + k).toBeGreaterThan(padded);
      }),
    );
  });

  it("odd kernels with padding (k - 1) / 2 at stride s equal 'same'", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 }), (n, half, s) => {
        const k = 2 * half + 1;
        expect(convOutputLength('h', n, k, s, half)).toBe(convOutputLength('h', n, k, s, 'same'));
      }),
    );
  });

  it('checkPadding accepts same, valid and non-negative integers only', () => {
    expect(checkPadding('p', 'same')).toBe('same');
    expect(checkPadding('p', 2)).toBe(2);
    expect(() => checkPadding('p', -1)).toThrow(InvalidArgumentError);
    expect(() => checkPadding('p', 'full')).toThrow(InvalidArgumentError);
  });
});
