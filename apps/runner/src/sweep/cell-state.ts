import { readRunResults, type RunResults } from '@retain/evaluation';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** File names inside a cell's run directory (the runner's run-directory layout, plus the sweep's log). */
export const CELL_FILES = {
  /** The run's results document (`@retain/evaluation` RunResults). */
  metrics: 'metrics.json',
  /** The run's checkpoint directory, written atomically after each experience. */
  checkpoint: 'checkpoint',
  /** Everything the cell's `retain run` printed (stdout and stderr), appended per attempt. */
  log: 'run.log',
} as const;

/**
 * Where a cell stands on disk:
 * - `complete`: metrics.json is a valid results document with every experience trained;
 * - `checkpoint`: not complete, but a checkpoint exists (continue with `retain run --resume`);
 * - `fresh`: neither (start from scratch).
 */
export type CellDiskState = 'complete' | 'checkpoint' | 'fresh';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** True when a results document has every experience of its stream trained. */
export function isCompleteRun(results: RunResults): boolean {
  return results.matrix.experiences > 0 && results.metrics.experiencesTrained === results.matrix.experiences;
}

/**
 * Reads a cell's metrics.json; undefined when it is missing or not a valid
 * results document (e.g. a run stopped before its first experience ended).
 */
export async function readCellResults(runDir: string): Promise<RunResults | undefined> {
  try {
    return await readRunResults(join(runDir, CELL_FILES.metrics));
  } catch {
    return undefined;
  }
}

/** Classifies a cell's run directory (see {@link CellDiskState}). */
export async function cellDiskState(runDir: string): Promise<CellDiskState> {
  const results = await readCellResults(runDir);
  if (results !== undefined && isCompleteRun(results)) return 'complete';
  return (await exists(join(runDir, CELL_FILES.checkpoint))) ? 'checkpoint' : 'fresh';
}
