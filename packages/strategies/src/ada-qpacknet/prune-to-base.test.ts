import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pruneToBase } from './prune-to-base.js';

describe('pruneToBase', () => {
  it('keeps round(f x candidates) of the largest candidates, resets the rest to base, leaves other slots alone (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ w: fc.float({ min: -5, max: 5, noNaN: true }), base: fc.float({ min: -1, max: 1, noNaN: true }), candidate: fc.boolean() }), { minLength: 1, maxLength: 80 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (slots, keepFraction) => {
          const w = Float32Array.from(slots, (s) => s.w);
          const original = w.slice();
          const base = Float32Array.from(slots, (s) => s.base);
          const candidates = Uint8Array.from(slots, (s) => (s.candidate ? 1 : 0));
          const keep = pruneToBase(w, candidates, base, keepFraction);
          const n = candidates.reduce((a, b) => a + b, 0);
          expect(keep.reduce((a, b) => a + b, 0)).toBe(Math.round(keepFraction * n));
          let smallestKept = Infinity;
          let largestPruned = -Infinity;
          for (let i = 0; i < w.length; i++) {
            if (candidates[i] === 0) {
              expect(keep[i]).toBe(0);
              expect(w[i]).toBe(original[i]);
            } else if (keep[i] === 1) {
              expect(w[i]).toBe(original[i]);
              smallestKept = Math.min(smallestKept, Math.abs(original[i] ?? 0));
            } else {
              expect(w[i]).toBe(base[i]);
              largestPruned = Math.max(largestPruned, Math.abs(original[i] ?? 0));
            }
          }
          expect(largestPruned).toBeLessThanOrEqual(smallestKept);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('worked example: a shared slot falls back to the earlier task\'s value, an untouched one to 0', () => {
    const w = Float32Array.of(0.9, -0.1, 0.05, 2);
    const keep = pruneToBase(w, Uint8Array.of(1, 1, 1, 0), Float32Array.of(0, 0.7, 0, 2), 1 / 3);
    expect(Array.from(keep)).toEqual([1, 0, 0, 0]);
    expect(Array.from(w)).toEqual([0.9, 0.7, 0, 2].map(Math.fround));
  });
});
