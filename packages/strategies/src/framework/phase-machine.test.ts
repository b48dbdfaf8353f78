import { tf, initBackend } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { packNetMachine } from '../packnet/packnet-phases.js';
import { wsnMachine } from '../wsn/wsn-phases.js';
import { maskLogits } from './class-mask.js';
import { InvalidTransitionError } from './strategy-errors.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('PhaseMachine', () => {
  it('walks PackNet through train -> prune -> retrain -> freeze and refuses the rest, changing nothing', () => {
    const m = packNetMachine();
    expect(m.phase).toBe('idle');
    expect(() => m.apply('prune')).toThrow(InvalidTransitionError);
    expect(m.phase).toBe('idle');
    m.apply('train');
    const error = (() => {
      try {
        m.apply('freeze');
      } catch (e) {
        return e as InvalidTransitionError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_TRANSITION', machine: 'packnet', from: 'training', action: 'freeze', allowed: ['prune', 'abandon'] });
    expect(m.apply('prune')).toBe('pruned');
    expect(() => m.apply('prune')).toThrow(/cannot prune in phase 'pruned'/);
    expect(m.apply('retrain')).toBe('retrained');
    expect(m.apply('freeze')).toBe('idle');
    expect(m.can('train')).toBe(true);
  });

  it('WSN: consolidate only after train', () => {
    const m = wsnMachine();
    expect(() => m.apply('consolidate')).toThrow(InvalidTransitionError);
    m.apply('train');
    expect(m.apply('consolidate')).toBe('idle');
    expect(() => m.restore('nowhere')).toThrow(InvalidTransitionError);
  });
});

describe('maskLogits', () => {
  it('sets the columns of other classes to the fill value', () => {
    const logits = tf.tensor2d([[1, 5, 2], [0, -1, 3]]);
    const masked = maskLogits(logits, [0, 2]);
    expect(masked.arraySync()).toEqual([[1, -Infinity, 2], [0, -Infinity, 3]]);
    const finite = maskLogits(logits, new Set([1]), -1e9);
    expect(finite.arraySync()).toEqual([[-1e9, 5, -1e9], [-1e9, -1, -1e9]]);
    expect(() => maskLogits(logits, [3])).toThrow(/class index/);
    tf.dispose([logits, masked, finite]);
  });
});
