import type { RunConfigInput } from '../config/schema.js';
import { STRATEGY_NAMES } from '../config/strategy-schemas.js';
import { BENCHMARKS, type BenchmarkPreset } from './benchmarks.js';
import { methodPreset } from './methods.js';

/** A named run configuration, `<strategy>-<benchmark>`. */
export interface RunPreset {
  readonly name: string;
  /** One line for `retain presets`. */
  readonly description: string;
  /** The benchmark part of the name. */
  readonly benchmark: string;
  /** True for the presets that need the full data and a GPU. */
  readonly paperScale: boolean;
  /** The config (validated by loadRunConfig like any file). */
  readonly config: RunConfigInput;
}

function buildPreset(strategy: (typeof STRATEGY_NAMES)[number], benchmark: BenchmarkPreset): RunPreset {
  const method = methodPreset(strategy, benchmark);
  const name = `${strategy}-${benchmark.name}`;
  const description = `${strategy} on ${benchmark.description}`;
  return {
    name,
    description,
    benchmark: benchmark.name,
    paperScale: benchmark.paperScale,
    config: {
      name,
      description,
      seed: 0,
      backend: benchmark.backend,
      scenario: { ...benchmark.scenario },
      model: { ...benchmark.model, ...method.model },
      strategy: method.strategy,
      training: { ...benchmark.training, ...method.training },
    },
  };
}

/** Every preset: each strategy on each benchmark (CPU scale first, then paper scale). */
export const PRESETS: Readonly<Record<string, RunPreset>> = Object.fromEntries(
  BENCHMARKS.flatMap((benchmark) => STRATEGY_NAMES.map((strategy) => buildPreset(strategy, benchmark))).map((preset) => [preset.name, preset]),
);

/** The preset names in catalog order. */
export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);
