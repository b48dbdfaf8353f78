import { loadRunConfig } from '../config/load.js';
import type { SweepPlan } from './sweep-plan.js';

/**
 * Checks, before any child starts, that every distinct cell configuration
 * (source + overrides + seed, as `retain run` will build it) is a valid
 * RunConfig, so a misspelt preset, `--set` or `--grid` path fails the whole
 * command at once (exit 2) instead of every cell. Throws the runner's
 * ConfigError (`<preset or file>: <field.path>: expected <...>, got <...>`).
 */
export async function checkCellConfigs(plan: SweepPlan): Promise<void> {
  const checked = new Set<string>();
  for (const cell of plan.cells) {
    const key = JSON.stringify([cell.source, cell.overrides]);
    if (checked.has(key)) continue;
    checked.add(key);
    await loadRunConfig(cell.source, [...cell.overrides, `seed=${cell.seed}`]);
  }
}
