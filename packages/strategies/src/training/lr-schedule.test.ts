import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EarlyStopper } from './early-stopping.js';
import { LrScheduler } from './lr-schedule.js';

describe('LrScheduler', () => {
  it('step decay: lr x gamma every stepSize epochs', () => {
    const s = new LrScheduler({ kind: 'step', stepSize: 2, gamma: 0.1 }, 1);
    const lrs = [0, 1, 2, 3, 4].map((e) => s.afterEpoch(e, 0).learningRate);
    expect(lrs.map((v) => +v.toPrecision(6))).toEqual([1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('plateau: divides after patience epochs without improvement, stops under minLr when asked', () => {
    const s = new LrScheduler({ kind: 'plateau', factor: 1 / 3, patience: 1, minLr: 0.05, stopAtMinLr: true }, 1);
    const losses = [1, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6];
    const out = losses.map((l, e) => s.afterEpoch(e, l));
    expect(out.map((d) => d.learningRate * 9)).toEqual([9, 9, 9, 3, 3, 1, 1, 1].map((v) => expect.closeTo(v, 9)));
    expect(out[7]!.stop).toMatch(/below minLr/);
    expect(out.slice(0, 7).every((d) => d.stop === undefined)).toBe(true);
  });

  it('plateau: never raises the lr and never goes below minLr (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (losses, patience) => {
        const s = new LrScheduler({ kind: 'plateau', factor: 0.5, patience, minLr: 0.01 }, 1);
        let last = 1;
        for (const [e, l] of losses.entries()) {
          const lr = s.afterEpoch(e, l).learningRate;
          if (lr > last || lr < 0.01) return false;
          last = lr;
        }
        return true;
      }),
    );
  });

  it('refuses bad settings', () => {
    expect(() => new LrScheduler({ kind: 'step', stepSize: 0, gamma: 0.5 }, 1)).toThrow(/stepSize/);
    expect(() => new LrScheduler({ kind: 'plateau', factor: 2, patience: 1, minLr: 0 }, 1)).toThrow(/factor/);
  });
});

describe('EarlyStopper', () => {
  it('tracks the best epoch and stops after patience epochs without improvement', () => {
    const s = new EarlyStopper({ patience: 2 });
    const decisions = [1.0, 0.8, 0.9, 0.85, 0.95].map((l, e) => s.update(e, l, 0));
    expect(decisions.map((d) => d.improved)).toEqual([true, true, false, false, false]);
    expect(decisions.map((d) => d.stop)).toEqual([false, false, false, false, true]);
    expect(s.bestEpoch).toBe(1);
  });

  it('monitors accuracy (higher is better) with a minimum delta', () => {
    const s = new EarlyStopper({ patience: 0, monitor: 'accuracy', minDelta: 0.01 });
    expect(s.update(0, 0, 0.5).improved).toBe(true);
    expect(s.update(1, 0, 0.505)).toEqual({ improved: false, stop: true });
  });
});
