import { RetainError } from '@retain/core';
import { stableStringify, writeFileAtomic } from '@retain/evaluation';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SWEEP_PLAN_SCHEMA_VERSION, type SweepPlan } from './sweep-plan.js';
import { SWEEP_FILES } from './sweep-files.js';

/** A sweep directory's plan.json is missing, unreadable or invalid, or a new sweep would overwrite one. */
export class SweepFileError extends RetainError {
  /** The file at fault. */
  readonly file: string;
  /** The dotted field at fault (empty for the whole file). */
  readonly field: string;

  constructor(file: string, field: string, message: string) {
    super('ERR_SWEEP_FILE', `${file}: ${field === '' ? '' : `${field}: `}${message}`);
    this.file = file;
    this.field = field;
  }
}

const assignment = z.strictObject({ path: z.string().min(1), value: z.string() });
const cell = z.strictObject({
  index: z.number().int().nonnegative(),
  id: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/),
  source: z.string().min(1),
  seed: z.number().int().nonnegative(),
  overrides: z.array(z.string()),
  runDir: z.string().min(1),
  group: z.strictObject({
    key: z.string(),
    row: z.string(),
    column: z.string(),
    strategy: z.string().nullable(),
    benchmark: z.string().nullable(),
    grid: z.array(assignment),
  }),
});
const planSchema = z.strictObject({
  schemaVersion: z.literal(SWEEP_PLAN_SCHEMA_VERSION),
  kind: z.enum(['compare', 'sweep']),
  sweepDir: z.string().min(1),
  cells: z.array(cell).min(1),
});

/** The plan.json path of a sweep directory. */
export function planPath(sweepDir: string): string {
  return join(sweepDir, SWEEP_FILES.plan);
}

/**
 * Writes the plan as stable JSON to `<sweepDir>/plan.json` (atomically).
 * Refuses ({@link SweepFileError}) when the directory already holds a plan:
 * continue that sweep with `--resume` or choose another `--out`.
 */
export async function writeNewPlan(plan: SweepPlan): Promise<string> {
  const path = planPath(plan.sweepDir);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) throw new SweepFileError(path, '', `a sweep already exists here; continue it with \`retain ${plan.kind} --resume ${plan.sweepDir}\` or choose another --out`);
  await writeFileAtomic(path, `${stableStringify(plan)}\n`);
  return path;
}

/**
 * Reads and validates `<sweepDir>/plan.json`. Run directories are rebased
 * onto `sweepDir` as given (so a moved sweep directory still resumes).
 */
export async function readPlan(sweepDir: string): Promise<SweepPlan> {
  const path = planPath(sweepDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new SweepFileError(path, '', 'no sweep plan here (is this a directory made by retain compare/sweep?)');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SweepFileError(path, '', `not JSON (${(error as Error).message})`);
  }
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SweepFileError(path, issue?.path.join('.') ?? '', issue?.message ?? 'invalid plan');
  }
  const root = resolve(sweepDir);
  const ids = new Set<string>();
  for (const entry of parsed.data.cells) {
    if (ids.has(entry.id)) throw new SweepFileError(path, `cells[${entry.index}].id`, `repeated id ${JSON.stringify(entry.id)}`);
    ids.add(entry.id);
  }
  return {
    ...parsed.data,
    sweepDir: root,
    cells: parsed.data.cells.map((entry) => ({ ...entry, runDir: join(root, SWEEP_FILES.runs, entry.id) })),
  };
}
