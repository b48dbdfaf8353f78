import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { searchBitWidth } from './bit-width-search.js';
import { BitWidthError, EvaluationResultError, QuantizationOptionError } from '../errors/quantization-errors.js';

/** An evaluation whose accuracy falls by `cost[bits]` below the float accuracy. */
function fakeModel(floatAccuracy: number, drops: Record<number, number>): { evaluate: (bits: number) => Promise<number>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    evaluate: async (bits: number) => {
      calls.push(bits);
      return floatAccuracy - (drops[bits] ?? 1);
    },
  };
}

describe('searchBitWidth', () => {
  it('worked example with the paper defaults: 6 -> 5 -> 4 accepted, 3 rejected, keeps 4', async () => {
    const model = fakeModel(0.9, { 6: 0.001, 5: 0.004, 4: 0.015, 3: 0.05, 2: 0.001 });
    const result = await searchBitWidth({ evaluate: model.evaluate, floatAccuracy: 0.9 });
    expect(model.calls).toEqual([6, 5, 4, 3]);
    expect(result.bits).toBe(4);
    expect(result.withinThreshold).toBe(true);
    expect(result.accuracy).toBeCloseTo(0.885, 12);
    expect(result.trace.map((t) => [t.bits, t.accepted])).toEqual([
      [6, true],
      [5, true],
      [4, true],
      [3, false],
    ]);
    expect(result.trace[3]!.drop).toBeCloseTo(0.05, 12);
  });

  it('the threshold is strict: a drop of exactly maxDrop is rejected', async () => {
    const result = await searchBitWidth({ evaluate: () => 0.5, floatAccuracy: 0.75, maxDrop: 0.25, startBits: 3 });
    expect(result.trace).toHaveLength(1);
    expect(result.withinThreshold).toBe(false);
  });

  it('when even the start width fails, keeps the start width and says so', async () => {
    const model = fakeModel(0.9, { 6: 0.1 });
    const result = await searchBitWidth({ evaluate: model.evaluate, floatAccuracy: 0.9 });
    expect(result).toMatchObject({ bits: 6, withinThreshold: false });
    expect(result.drop).toBeCloseTo(0.1, 12);
    expect(model.calls).toEqual([6]);
  });

  it('stops at minBits and accepts synchronous callbacks and percent units', async () => {
    const calls: number[] = [];
    const result = await searchBitWidth({
      evaluate: (bits) => {
        calls.push(bits);
        return 91;
      },
      floatAccuracy: 92,
      maxDrop: 2,
      startBits: 8,
      minBits: 5,
    });
    expect(calls).toEqual([8, 7, 6, 5]);
    expect(result.bits).toBe(5);
  });

  it('property: the chosen width is the last of an accepted prefix of the trace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 16 }),
        async (drops, a, b) => {
          const [minBits, startBits] = a <= b ? [a, b] : [b, a];
          const result = await searchBitWidth({ evaluate: (bits) => 1 - drops[bits - 1]!, floatAccuracy: 1, startBits, minBits });
          const bitsSeen = result.trace.map((t) => t.bits);
          expect(bitsSeen).toEqual(Array.from({ length: bitsSeen.length }, (_, i) => startBits - i));
          const firstReject = result.trace.findIndex((t) => !t.accepted);
          if (firstReject >= 0) expect(firstReject).toBe(result.trace.length - 1);
          else expect(result.trace.at(-1)!.bits).toBe(minBits);
          const accepted = result.trace.filter((t) => t.accepted);
          expect(result.bits).toBe(accepted.length ? accepted.at(-1)!.bits : startBits);
          expect(result.withinThreshold).toBe(accepted.length > 0);
        },
      ),
    );
  });

  it('rejects bad options and bad evaluation results with typed errors', async () => {
    await expect(searchBitWidth({ evaluate: () => 1, floatAccuracy: 1, startBits: 17 })).rejects.toThrow(BitWidthError);
    await expect(searchBitWidth({ evaluate: () => 1, floatAccuracy: 1, startBits: 4, minBits: 5 })).rejects.toThrow(/minBits/);
    await expect(searchBitWidth({ evaluate: () => 1, floatAccuracy: Number.NaN })).rejects.toThrow(QuantizationOptionError);
    await expect(searchBitWidth({ evaluate: () => 1, floatAccuracy: 1, maxDrop: -1 })).rejects.toThrow(/maxDrop/);
    await expect(searchBitWidth({ evaluate: () => Number.NaN, floatAccuracy: 1 })).rejects.toThrow(EvaluationResultError);
    await expect(searchBitWidth({ evaluate: () => Number.NaN, floatAccuracy: 1 })).rejects.toThrow(/evaluate\(6\): expected a finite accuracy, got NaN/);
    await expect(
      searchBitWidth({
        evaluate: () => {
          throw new Error('boom');
        },
        floatAccuracy: 1,
      }),
    ).rejects.toThrow('boom');
  });
});
