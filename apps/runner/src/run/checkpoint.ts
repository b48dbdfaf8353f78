import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RetainError, type JsonValue } from '@retain/core';
import type { AccuracyMatrixJSON, ExperienceTiming, TaskDetails } from '@retain/evaluation';
import type { StrategyState } from '@retain/strategies';

/** Format tag of checkpoint/checkpoint.json. */
export const CHECKPOINT_FORMAT = 'retain.run-checkpoint';
/** Version of the checkpoint layout. */
export const CHECKPOINT_VERSION = 1;

/** Where a run stands after its last finished experience. */
export interface RunProgress {
  /** Experiences trained and evaluated (the next one to train is this index). */
  readonly experiencesDone: number;
  /** The partial accuracy matrix. */
  readonly matrix: AccuracyMatrixJSON;
  /** Method-specific details of the finished experiences. */
  readonly details: readonly TaskDetails[];
  /** Timing of the finished experiences. */
  readonly timing: readonly ExperienceTiming[];
  /** Wall seconds the run has spent so far (over every resume). */
  readonly elapsedSeconds: number;
}

/** A checkpoint that cannot be read back (missing, truncated, altered). */
export class CheckpointError extends RetainError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super('ERR_CHECKPOINT', `${path}: ${problem}`);
    this.path = path;
  }
}

interface ArrayEntry {
  readonly name: string;
  readonly kind: 'float32' | 'uint8';
  readonly offset: number;
  readonly length: number;
}

interface CheckpointDocument {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: typeof CHECKPOINT_VERSION;
  readonly progress: RunProgress;
  readonly strategy: Omit<StrategyState, 'tensors' | 'blobs'>;
  readonly arrays: readonly ArrayEntry[];
  /** SHA-256 of arrays.bin. */
  readonly arraysSha256: string;
}

const CHECKPOINT_DIR = 'checkpoint';
const DOCUMENT_FILE = 'checkpoint.json';
const ARRAYS_FILE = 'arrays.bin';

function packArrays(state: StrategyState): { bytes: Uint8Array; entries: ArrayEntry[] } {
  const entries: ArrayEntry[] = [];
  let size = 0;
  const add = (name: string, kind: ArrayEntry['kind'], byteLength: number, length: number): void => {
    size = Math.ceil(size / 4) * 4; // float32 views need 4-byte alignment
    entries.push({ name, kind, offset: size, length });
    size += byteLength;
  };
  for (const name of Object.keys(state.tensors).sort()) add(name, 'float32', (state.tensors[name] as Float32Array).byteLength, (state.tensors[name] as Float32Array).length);
  for (const name of Object.keys(state.blobs).sort()) add(name, 'uint8', (state.blobs[name] as Uint8Array).byteLength, (state.blobs[name] as Uint8Array).length);
  const bytes = new Uint8Array(size);
  for (const entry of entries) {
    const source = entry.kind === 'float32' ? (state.tensors[entry.name] as Float32Array) : (state.blobs[entry.name] as Uint8Array);
    bytes.set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), entry.offset);
  }
  return { bytes, entries };
}

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `<runDir>/checkpoint/` atomically: everything goes to
 * `checkpoint.tmp/` first, then the old checkpoint is moved aside, the new
 * one renamed into place and the old one removed. A crash at any point
 * leaves either the old or the new checkpoint complete (readCheckpoint also
 * looks at `checkpoint.old/`).
 */
export async function writeCheckpoint(runDir: string, state: StrategyState, progress: RunProgress): Promise<void> {
  const final = join(runDir, CHECKPOINT_DIR);
  const temp = `${final}.tmp`;
  const old = `${final}.old`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  const { bytes, entries } = packArrays(state);
  const { tensors: _tensors, blobs: _blobs, ...strategy } = state;
  const document: CheckpointDocument = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    progress,
    strategy,
    arrays: entries,
    arraysSha256: createHash('sha256').update(bytes).digest('hex'),
  };
  await writeSynced(join(temp, ARRAYS_FILE), bytes);
  await writeSynced(join(temp, DOCUMENT_FILE), `${JSON.stringify(document)}\n`);
  await rm(old, { recursive: true, force: true });
  if (existsSync(final)) await rename(final, old);
  await rename(temp, final);
  await rm(old, { recursive: true, force: true });
}

/** Whether `runDir` holds a checkpoint (complete or the previous one kept aside). */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(join(runDir, CHECKPOINT_DIR, DOCUMENT_FILE)) || existsSync(join(runDir, `${CHECKPOINT_DIR}.old`, DOCUMENT_FILE));
}

/** Reads the checkpoint of `runDir` back: the strategy state and the run's progress. Throws CheckpointError. */
export async function readCheckpoint(runDir: string): Promise<{ state: StrategyState; progress: RunProgress }> {
  const primary = join(runDir, CHECKPOINT_DIR);
  const dir = existsSync(join(primary, DOCUMENT_FILE)) ? primary : `${primary}.old`;
  const documentPath = join(dir, DOCUMENT_FILE);
  if (!existsSync(documentPath)) throw new CheckpointError(primary, 'no checkpoint (no experience has finished yet)');
  const document = JSON.parse(await readFile(documentPath, 'utf8')) as CheckpointDocument;
  if (document.format !== CHECKPOINT_FORMAT || document.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(documentPath, `format ${String(document.format)} v${String(document.version)}, expected ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION}`);
  }
  const bytes = new Uint8Array(await readFile(join(dir, ARRAYS_FILE)));
  if (createHash('sha256').update(bytes).digest('hex') !== document.arraysSha256) throw new CheckpointError(join(dir, ARRAYS_FILE), 'SHA-256 mismatch');
  const tensors: Record<string, Float32Array> = {};
  const blobs: Record<string, Uint8Array> = {};
  for (const entry of document.arrays) {
    const byteLength = entry.kind === 'float32' ? entry.length * 4 : entry.length;
    if (entry.offset + byteLength > bytes.length) throw new CheckpointError(join(dir, ARRAYS_FILE), `array ${entry.name} runs past the end`);
    const copy = bytes.slice(entry.offset, entry.offset + byteLength);
    if (entry.kind === 'float32') tensors[entry.name] = new Float32Array(copy.buffer, 0, entry.length);
    else blobs[entry.name] = copy;
  }
  const state: StrategyState = { ...document.strategy, model: document.strategy.model as JsonValue, tensors, blobs };
  return { state, progress: document.progress };
}
