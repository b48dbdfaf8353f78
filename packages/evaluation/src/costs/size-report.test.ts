import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityReport } from './capacity-report.js';
import { sizeReport } from './size-report.js';

describe('sizeReport', () => {
  it('sums the components and compares with one dense float32 model (params * 4 bytes)', () => {
    const report = sizeReport({ masks: 3000, codes: 12000, heads: 1000 }, 40000);
    expect(report.totalBytes).toBe(16000);
    expect(report.denseFloat32Bytes).toBe(160000);
    expect(report.compressionRatio).toBe(10);
    expect(Object.keys(report.components)).toEqual(['codes', 'heads', 'masks']);
  });

  it('has no ratio for an empty store and refuses bad counts', () => {
    expect(sizeReport({}, 10).compressionRatio).toBeNull();
    expect(() => sizeReport({ masks: 1.5 }, 10)).toThrow(/breakdown\.masks/);
    expect(() => sizeReport({ masks: -1 }, 10)).toThrow(/breakdown\.masks/);
    expect(() => sizeReport({ masks: 1 }, -1)).toThrow(/denseParameterCount/);
  });

  it('total is the sum and the ratio its inverse relation to dense bytes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.integer({ min: 0, max: 1e9 })), fc.integer({ min: 0, max: 1e8 }), (parts, params) => {
        const report = sizeReport(parts, params);
        expect(report.totalBytes).toBe(Object.values(parts).reduce((a, b) => a + b, 0));
        if (report.totalBytes > 0) expect(report.compressionRatio! * report.totalBytes).toBeCloseTo(params * 4, 3);
      }),
    );
  });
});

describe('capacityReport', () => {
  it('counts capacity in bits: 4-bit codes in 1000 of 10000 float32 slots use 1.25 %', () => {
    const report = capacityReport(
      [
        { taskId: 0, weights: 1000, bits: 4000 },
        { taskId: 1, weights: 2000, bits: 64000 },
      ],
      10000,
    );
    expect(report.tasks[0]).toEqual({ taskId: 0, weights: 1000, bits: 4000, bitsPerWeight: 4, weightFraction: 0.1, capacityFraction: 0.0125 });
    expect(report.tasks[1]!.bitsPerWeight).toBe(32);
    expect(report.usedBits).toBe(68000);
    expect(report.usedFraction).toBeCloseTo(68000 / 320000, 15);
    expect(report.freeFraction).toBeCloseTo(1 - 68000 / 320000, 15);
  });

  it('refuses repeated tasks, more weights than slots and more bits than the network holds', () => {
    expect(() => capacityReport([{ taskId: 0, weights: 1, bits: 1 }, { taskId: 0, weights: 1, bits: 1 }], 10)).toThrow(/tasks\[1\]\.taskId/);
    expect(() => capacityReport([{ taskId: 0, weights: 11, bits: 1 }], 10)).toThrow(/tasks\[0\]\.weights/);
    expect(() => capacityReport([{ taskId: 0, weights: 10, bits: 321 }], 10)).toThrow(/at most totalWeights \* slotBits = 320/);
    expect(() => capacityReport([], 10, 0)).toThrow(/slotBits/);
    expect(capacityReport([{ taskId: 0, weights: 0, bits: 0 }], 10).tasks[0]!.bitsPerWeight).toBeNull();
  });
});
