import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFromOptions, registerSweepCommands, sweepFromOptions, timestamp } from './sweep-commands.js';

const now = new Date('2026-11-29T09:05:07Z');
const shared = { set: [], results: 'results' };

describe('compare options', () => {
  it('plans the main suite with its own job count and a dated directory', () => {
    const { plan, jobs } = compareFromOptions({ ...shared, suite: 'main' }, now);
    expect(jobs).toBe(2);
    expect(plan.sweepDir).toBe(resolve('results/compare-main-20261129-090507'));
    expect(plan.cells.map((cell) => [cell.source, cell.seed])).toEqual([
      ['ada-qpacknet-pfmnist-10', 0],
      ['packnet-pfmnist-10', 0],
    ]);
    expect(plan.cells[0]!.overrides).toEqual([]);
  });

  it('lets flags replace the suite and adds --set overrides', () => {
    const { plan, jobs } = compareFromOptions({ ...shared, suite: 'main', seeds: '0-2', jobs: '1', set: ['training.epochs=2'], out: 'x' }, now);
    expect(jobs).toBe(1);
    expect(plan.sweepDir).toBe(resolve('x'));
    expect(plan.cells).toHaveLength(6);
    expect(plan.cells[0]!.overrides).toEqual(['training.epochs=2']);
  });

  it('refuses an unknown suite, missing lists and a bad job count', () => {
    expect(() => compareFromOptions({ ...shared, suite: 'nope' }, now)).toThrow(/--suite: expected one of main/);
    expect(() => compareFromOptions({ ...shared, benchmarks: 'pfmnist-10' }, now)).toThrow(/--strategies/);
    expect(() => compareFromOptions({ ...shared, strategies: 'packnet' }, now)).toThrow(/--benchmarks/);
    expect(() => compareFromOptions({ ...shared, suite: 'main', jobs: '0' }, now)).toThrow(/--jobs/);
  });
});

describe('sweep options', () => {
  it('plans a grid over a preset', () => {
    const { plan, jobs } = sweepFromOptions('ada-qpacknet-pfmnist-10', { ...shared, grid: ['strategy.options.bits=2,4,8', 'training.epochs=1,2'], seeds: '0,1' }, now);
    expect(jobs).toBeUndefined();
    expect(plan.cells).toHaveLength(12);
    expect(plan.sweepDir).toBe(resolve(join('results', 'sweep-ada-qpacknet-pfmnist-10-20261129-090507')));
  });
});

describe('registerSweepCommands', () => {
  it('adds compare and sweep, and reports a usage error with exit code 2', async () => {
    const program = new Command('retain').exitOverride();
    const exit = { code: -1 };
    registerSweepCommands(program, exit);
    expect(program.commands.map((command) => command.name())).toEqual(['compare', 'sweep']);
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((text: string) => errors.push(text) > 0) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'retain', 'compare', '--strategies', 'packnet', '--benchmarks', 'pfmnist-10', '--seeds', '1,1']);
    } finally {
      process.stderr.write = write;
    }
    expect(exit.code).toBe(2);
    expect(errors.join('')).toBe('compare: --seeds: expected each seed once (1 repeats), got "1,1"\n');
  });

  it('formats timestamps as yyyymmdd-hhmmss in UTC', () => {
    expect(timestamp(now)).toBe('20261129-090507');
  });
});

describe('checkCellConfigs', () => {
  it('accepts the main suite and names the preset and field of a bad cell', async () => {
    const { checkCellConfigs } = await import('./cell-config-check.js');
    await expect(checkCellConfigs(compareFromOptions({ ...shared, suite: 'main' }, now).plan)).resolves.toBeUndefined();
    await expect(checkCellConfigs(compareFromOptions({ ...shared, strategies: 'packnet,nosuch', benchmarks: 'pfmnist-10' }, now).plan)).rejects.toThrow(/nosuch-pfmnist-10/);
    const grid = sweepFromOptions('packnet-pfmnist-10', { ...shared, grid: ['training.batchSize=64,0'] }, now).plan;
    await expect(checkCellConfigs(grid)).rejects.toThrow(/^packnet-pfmnist-10: training\.batchSize: expected/);
  });
});
