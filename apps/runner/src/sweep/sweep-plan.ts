import { InvalidArgumentError } from '@retain/core';
import { basename, join, resolve } from 'node:path';
import { uniqueCellIds, safeNamePart } from './cell-ids.js';
import type { GridAxis } from './option-parsing.js';

/** Version of the plan layout written to `<sweep-dir>/plan.json` and embedded in `sweep.json`. */
export const SWEEP_PLAN_SCHEMA_VERSION = 1;

/** One `--grid` value given to a cell: `retain run ... --set <path>=<value>`. */
export interface GridAssignment {
  /** Dotted config path, e.g. `strategy.options.bits`. */
  readonly path: string;
  /** The value text exactly as given (JSON or a plain string, as `--set` reads it). */
  readonly value: string;
}

/**
 * What a cell is summarised with: cells that differ only in their seed share
 * a group. `row` and `column` place the group in the summary table.
 */
export interface CellGroup {
  /** Stable key of the group (JSON of strategy, benchmark, source and grid). */
  readonly key: string;
  /** Row label of the summary table (the strategy, or the base and its grid values). */
  readonly row: string;
  /** Column label of the summary table (the benchmark, or the base preset/config name). */
  readonly column: string;
  /** Strategy name for `compare`; null for `sweep` (it comes from the base config). */
  readonly strategy: string | null;
  /** Benchmark name for `compare`; null for `sweep`. */
  readonly benchmark: string | null;
  /** The grid point of a `sweep` cell; empty for `compare`. */
  readonly grid: readonly GridAssignment[];
}

/** One `retain run` of a sweep: a source (preset or config file), a seed and overrides. */
export interface SweepCell {
  /** Position in the plan (the order cells are started in). */
  readonly index: number;
  /** Unique, file-system-safe id; the cell's run directory is `<sweep-dir>/runs/<id>`. */
  readonly id: string;
  /** Preset name or config file path given to `retain run`. */
  readonly source: string;
  /** The run's seed (`--seed`). */
  readonly seed: number;
  /** `--set` overrides, `<path>=<value>`, in order (shared ones first, then the grid point's). */
  readonly overrides: readonly string[];
  /** The run directory (`--out`). */
  readonly runDir: string;
  /** The group the cell is summarised in. */
  readonly group: CellGroup;
}

/** The cells of a compare or a sweep, in the order they start. */
export interface SweepPlan {
  /** Always {@link SWEEP_PLAN_SCHEMA_VERSION}. */
  readonly schemaVersion: typeof SWEEP_PLAN_SCHEMA_VERSION;
  /** Which command made the plan. */
  readonly kind: 'compare' | 'sweep';
  /** The sweep directory (absolute). */
  readonly sweepDir: string;
  /** The cells. */
  readonly cells: readonly SweepCell[];
}

/** Inputs of {@link planCompare}. */
export interface CompareSpec {
  /** Strategy names (`ada-qpacknet`, `packnet`, ...), at least one, no repeats. */
  readonly strategies: readonly string[];
  /** Benchmark names (`pfmnist-10`, `sfmnist-5-til`, ...), at least one, no repeats. */
  readonly benchmarks: readonly string[];
  /** Seeds, at least one, non-negative integers, no repeats. */
  readonly seeds: readonly number[];
  /** `--set <path>=<value>` overrides given to every cell. */
  readonly overrides?: readonly string[];
  /** The sweep directory; cells run in `<sweepDir>/runs/<cell-id>`. */
  readonly sweepDir: string;
}

/** Inputs of {@link planSweep}. */
export interface SweepSpec {
  /** The base: a preset name or a config file path. */
  readonly base: string;
  /** Grid axes; the plan holds their Cartesian product (an empty list gives the base alone). */
  readonly grid: readonly GridAxis[];
  /** Seeds, at least one, non-negative integers, no repeats. */
  readonly seeds: readonly number[];
  /** `--set` overrides given to every cell (before the grid point's). */
  readonly overrides?: readonly string[];
  /** The sweep directory; cells run in `<sweepDir>/runs/<cell-id>`. */
  readonly sweepDir: string;
}

/** The preset name of a strategy on a benchmark: `<strategy>-<benchmark>` (the runner's preset naming). */
export function presetName(strategy: string, benchmark: string): string {
  return `${strategy}-${benchmark}`;
}

function checkNames(field: string, names: readonly string[]): void {
  if (names.length === 0) throw new InvalidArgumentError(field, names, 'at least one name');
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (name.trim() === '' || name !== name.trim()) throw new InvalidArgumentError(`${field}[${index}]`, name, 'a non-empty name without surrounding spaces');
    if (seen.has(name)) throw new InvalidArgumentError(`${field}[${index}]`, name, 'a name not already listed');
    seen.add(name);
  });
}

function checkSeeds(seeds: readonly number[]): void {
  if (seeds.length === 0) throw new InvalidArgumentError('seeds', seeds, 'at least one seed');
  const seen = new Set<number>();
  seeds.forEach((seed, index) => {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidArgumentError(`seeds[${index}]`, seed, 'a non-negative integer');
    if (seen.has(seed)) throw new InvalidArgumentError(`seeds[${index}]`, seed, 'a seed not already listed');
    seen.add(seed);
  });
}

function checkGrid(grid: readonly GridAxis[]): void {
  const paths = new Set<string>();
  grid.forEach((axis, index) => {
    if (axis.path === '' || paths.has(axis.path)) throw new InvalidArgumentError(`grid[${index}].path`, axis.path, 'a config path not already in the grid');
    paths.add(axis.path);
    if (axis.values.length === 0) throw new InvalidArgumentError(`grid[${index}].values`, axis.values, 'at least one value');
    if (new Set(axis.values).size !== axis.values.length) throw new InvalidArgumentError(`grid[${index}].values`, axis.values, 'values without repeats');
  });
}

/** Every combination of one value per axis, the first axis varying slowest. */
export function gridPoints(grid: readonly GridAxis[]): GridAssignment[][] {
  let points: GridAssignment[][] = [[]];
  for (const axis of grid) points = points.flatMap((point) => axis.values.map((value) => [...point, { path: axis.path, value }]));
  return points;
}

/** Name shown for a base source: a preset name as is, a config file by its base name without `.json`. */
export function sourceLabel(source: string): string {
  return source.endsWith('.json') ? basename(source, '.json') : source;
}

/** `bits=2 epochs=1`: the grid point by the last segment of each path. */
export function gridLabel(point: readonly GridAssignment[]): string {
  return point.map((assignment) => `${assignment.path.split('.').pop() ?? assignment.path}=${assignment.value}`).join(' ');
}

/**
 * Plans `retain compare`: every strategy x benchmark x seed (strategies
 * outermost, seeds innermost), each cell the preset `<strategy>-<benchmark>`
 * with `--seed` and the shared overrides. Pure; throws
 * {@link InvalidArgumentError} on an empty or repeated name or seed.
 */
export function planCompare(spec: CompareSpec): SweepPlan {
  checkNames('strategies', spec.strategies);
  checkNames('benchmarks', spec.benchmarks);
  checkSeeds(spec.seeds);
  const sweepDir = resolve(spec.sweepDir);
  const drafts = spec.strategies.flatMap((strategy) =>
    spec.benchmarks.flatMap((benchmark) =>
      spec.seeds.map((seed) => ({
        source: presetName(strategy, benchmark),
        seed,
        overrides: [...(spec.overrides ?? [])],
        group: { key: JSON.stringify(['compare', strategy, benchmark]), row: strategy, column: benchmark, strategy, benchmark, grid: [] },
        idBase: `${safeNamePart(presetName(strategy, benchmark))}-s${seed}`,
      })),
    ),
  );
  return finishPlan('compare', sweepDir, drafts);
}

/**
 * Plans `retain sweep`: one base preset or config x every grid point x seed
 * (grid points in {@link gridPoints} order, seeds innermost). Each cell gets
 * the shared overrides then one `--set` per grid axis. Pure; throws
 * {@link InvalidArgumentError} on a repeated axis or value, or bad seeds.
 */
export function planSweep(spec: SweepSpec): SweepPlan {
  if (spec.base.trim() === '') throw new InvalidArgumentError('base', spec.base, 'a preset name or config file');
  checkGrid(spec.grid);
  checkSeeds(spec.seeds);
  const sweepDir = resolve(spec.sweepDir);
  const base = spec.base.endsWith('.json') ? resolve(spec.base) : spec.base;
  const column = sourceLabel(spec.base);
  const drafts = gridPoints(spec.grid).flatMap((point) =>
    spec.seeds.map((seed) => {
      const label = gridLabel(point);
      const pointId = point.map((assignment) => `${safeNamePart(assignment.path.split('.').pop() ?? '')}${safeNamePart(assignment.value)}`);
      return {
        source: base,
        seed,
        overrides: [...(spec.overrides ?? []), ...point.map((assignment) => `${assignment.path}=${assignment.value}`)],
        group: {
          key: JSON.stringify(['sweep', base, point.map((assignment) => [assignment.path, assignment.value])]),
          row: label === '' ? column : `${column} ${label}`,
          column,
          strategy: null,
          benchmark: null,
          grid: point,
        },
        idBase: [safeNamePart(column), ...pointId, `s${seed}`].join('-'),
      };
    }),
  );
  return finishPlan('sweep', sweepDir, drafts);
}

interface CellDraft {
  readonly source: string;
  readonly seed: number;
  readonly overrides: readonly string[];
  readonly group: CellGroup;
  readonly idBase: string;
}

function finishPlan(kind: SweepPlan['kind'], sweepDir: string, drafts: readonly CellDraft[]): SweepPlan {
  const ids = uniqueCellIds(drafts.map((draft) => draft.idBase));
  const cells = drafts.map((draft, index): SweepCell => {
    const id = ids[index] ?? String(index);
    return { index, id, source: draft.source, seed: draft.seed, overrides: draft.overrides, runDir: join(sweepDir, 'runs', id), group: draft.group };
  });
  return { schemaVersion: SWEEP_PLAN_SCHEMA_VERSION, kind, sweepDir, cells };
}

/**
 * The `retain` argument vector of a cell (without node and the CLI path):
 * `run <source> --out <dir> --seed <s> --quiet [--set <o>]...` for a fresh
 * start, `run --resume <dir> --quiet` to continue from its checkpoint.
 */
export function cellRunArgs(cell: SweepCell, mode: 'fresh' | 'resume'): string[] {
  if (mode === 'resume') return ['run', '--resume', cell.runDir, '--quiet'];
  return ['run', cell.source, '--out', cell.runDir, '--seed', String(cell.seed), '--quiet', ...cell.overrides.flatMap((override) => ['--set', override])];
}
