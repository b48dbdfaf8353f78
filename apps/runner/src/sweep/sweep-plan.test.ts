import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CELL_ID_LENGTH, uniqueCellIds } from './cell-ids.js';
import { cellRunArgs, gridPoints, planCompare, planSweep } from './sweep-plan.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const names = fc.uniqueArray(name, { minLength: 1, maxLength: 4 });
const seeds = fc.uniqueArray(fc.nat(1000), { minLength: 1, maxLength: 4 });
const value = fc.oneof(fc.integer({ min: -50, max: 50 }).map(String), fc.stringMatching(/^[a-z]{1,6}$/), fc.constant('[1,2]'), fc.constant('0.5'));
const axis = fc.record({ path: fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6}){0,2}$/), values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) });
const grid = fc.uniqueArray(axis, { maxLength: 3, selector: (entry) => entry.path });

describe('planCompare', () => {
  it('plans strategies x benchmarks x seeds cells with unique run directories, deterministically', () => {
    fc.assert(
      fc.property(names, names, seeds, (strategies, benchmarks, seedList) => {
        const spec = { strategies, benchmarks, seeds: seedList, overrides: ['training.epochs=1'], sweepDir: '/tmp/sw' };
        const plan = planCompare(spec);
        expect(plan.cells).toHaveLength(strategies.length * benchmarks.length * seedList.length);
        expect(new Set(plan.cells.map((cell) => cell.runDir)).size).toBe(plan.cells.length);
        expect(new Set(plan.cells.map((cell) => cell.id.toLowerCase())).size).toBe(plan.cells.length);
        expect(planCompare(spec)).toEqual(plan);
        plan.cells.forEach((cell, index) => {
          expect(cell.index).toBe(index);
          expect(cell.runDir).toBe(join('/tmp/sw', 'runs', cell.id));
          expect(cell.id).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
          const strategy = strategies[Math.floor(index / (benchmarks.length * seedList.length))];
          const benchmark = benchmarks[Math.floor(index / seedList.length) % benchmarks.length];
          expect(cell.source).toBe(`${strategy}-${benchmark}`);
          expect(cell.seed).toBe(seedList[index % seedList.length]);
          expect(cell.group).toMatchObject({ row: strategy, column: benchmark, strategy, benchmark, grid: [] });
        });
        // One group per strategy x benchmark, each with every seed.
        const groups = new Map<string, number[]>();
        for (const cell of plan.cells) groups.set(cell.group.key, [...(groups.get(cell.group.key) ?? []), cell.seed]);
        expect(groups.size).toBe(strategies.length * benchmarks.length);
        for (const groupSeeds of groups.values()) expect(groupSeeds).toEqual(seedList);
      }),
    );
  });

  it('names cells <preset>-s<seed> and builds the retain run argument vectors', () => {
    const plan = planCompare({ strategies: ['ada-qpacknet', 'packnet'], benchmarks: ['pfmnist-10'], seeds: [0, 1], overrides: ['scenario.samplesPerTask=500'], sweepDir: 'results/x' });
    expect(plan.kind).toBe('compare');
    expect(plan.sweepDir).toBe(resolve('results/x'));
    expect(plan.cells.map((cell) => cell.id)).toEqual(['ada-qpacknet-pfmnist-10-s0', 'ada-qpacknet-pfmnist-10-s1', 'packnet-pfmnist-10-s0', 'packnet-pfmnist-10-s1']);
    const cell = plan.cells[1]!;
    expect(cellRunArgs(cell, 'fresh')).toEqual([
      'run', 'ada-qpacknet-pfmnist-10', '--out', join(resolve('results/x'), 'runs', 'ada-qpacknet-pfmnist-10-s1'), '--seed', '1', '--quiet', '--set', 'scenario.samplesPerTask=500',
    ]);
    expect(cellRunArgs(cell, 'resume')).toEqual(['run', '--resume', cell.runDir, '--quiet']);
  });

  it('keeps ids unique when names run together', () => {
    const plan = planCompare({ strategies: ['a', 'a-b'], benchmarks: ['b-c', 'c'], seeds: [0], sweepDir: '/s' });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['a-b-c-s0', 'a-c-s0', 'a-b-b-c-s0', 'a-b-c-s0-2']);
  });

  it('refuses empty lists and repeats', () => {
    expect(() => planCompare({ strategies: [], benchmarks: ['b'], seeds: [0], sweepDir: '/s' })).toThrow(/strategies: expected at least one name/);
    expect(() => planCompare({ strategies: ['a', 'a'], benchmarks: ['b'], seeds: [0], sweepDir: '/s' })).toThrow(/strategies\[1\]/);
    expect(() => planCompare({ strategies: ['a'], benchmarks: ['b'], seeds: [1, 1], sweepDir: '/s' })).toThrow(/seeds\[1\]/);
    expect(() => planCompare({ strategies: ['a'], benchmarks: ['b'], seeds: [-1], sweepDir: '/s' })).toThrow(/non-negative integer/);
  });
});

describe('planSweep', () => {
  it('plans every grid point x seed, overrides ending with the point, unique run directories', () => {
    fc.assert(
      fc.property(grid, seeds, (axes, seedList) => {
        const spec = { base: 'ada-qpacknet-pfmnist-10', grid: axes, seeds: seedList, overrides: ['training.epochs=1'], sweepDir: '/tmp/sw' };
        const plan = planSweep(spec);
        const points = axes.reduce((product, entry) => product * entry.values.length, 1);
        expect(plan.cells).toHaveLength(points * seedList.length);
        expect(new Set(plan.cells.map((cell) => cell.runDir)).size).toBe(plan.cells.length);
        expect(planSweep(spec)).toEqual(plan);
        expect(new Set(plan.cells.map((cell) => cell.group.key)).size).toBe(points);
        expect(new Set(plan.cells.map((cell) => cell.group.row)).size).toBe(points);
        plan.cells.forEach((cell, index) => {
          const point = gridPoints(axes)[Math.floor(index / seedList.length)]!;
          expect(cell.seed).toBe(seedList[index % seedList.length]);
          expect(cell.source).toBe('ada-qpacknet-pfmnist-10');
          expect(cell.overrides).toEqual(['training.epochs=1', ...point.map((entry) => `${entry.path}=${entry.value}`)]);
          expect(cell.group.grid).toEqual(point);
        });
      }),
    );
  });

  it('labels groups by the last path segment and resolves a config file base', () => {
    const plan = planSweep({
      base: 'configs/my-run.json',
      grid: [
        { path: 'strategy.options.bits', values: ['2', '4'] },
        { path: 'training.epochs', values: ['1'] },
      ],
      seeds: [3],
      sweepDir: '/s',
    });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['my-run-bits2-epochs1-s3', 'my-run-bits4-epochs1-s3']);
    expect(plan.cells.map((cell) => cell.group.row)).toEqual(['my-run bits=2 epochs=1', 'my-run bits=4 epochs=1']);
    expect(plan.cells[0]!.source).toBe(resolve('configs/my-run.json'));
    expect(plan.cells[0]!.group.column).toBe('my-run');
  });

  it('runs the base alone for an empty grid, and refuses repeated axes', () => {
    expect(planSweep({ base: 'p', grid: [], seeds: [0, 1], sweepDir: '/s' }).cells.map((cell) => cell.id)).toEqual(['p-s0', 'p-s1']);
    expect(() => planSweep({ base: 'p', grid: [{ path: 'a', values: ['1'] }, { path: 'a', values: ['2'] }], seeds: [0], sweepDir: '/s' })).toThrow(/grid\[1\]\.path/);
    expect(() => planSweep({ base: 'p', grid: [{ path: 'a', values: [] }], seeds: [0], sweepDir: '/s' })).toThrow(/grid\[0\]\.values/);
  });
});

describe('uniqueCellIds', () => {
  it('gives unique, safe, bounded ids in order', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 30 }), (candidates) => {
        const ids = uniqueCellIds(candidates);
        expect(ids).toHaveLength(candidates.length);
        expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(ids.length);
        for (const id of ids) {
          expect(id).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
          expect(id.length).toBeLessThanOrEqual(MAX_CELL_ID_LENGTH + 4);
        }
        expect(uniqueCellIds(candidates)).toEqual(ids);
      }),
    );
  });

  it('suffixes repeats, ignoring case', () => {
    expect(uniqueCellIds(['a', 'A', 'a', 'a/b', 'a_b', '..x'])).toEqual(['a', 'A-2', 'a-3', 'a_b', 'a_b-2', 'x']);
  });
});
