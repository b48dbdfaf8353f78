import { randomUUID, createHash } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { BitMask } from '../bits/bit-mask.js';
import { StoreChecksumError, StoreCorruptError, StoreTaskNotFoundError } from '../errors/store-errors.js';
import type { ParameterTensorSpec } from '../ownership/ownership-map.js';
import { decodeStore } from './decode-store.js';
import { encodeStore, type EncodeStoreOptions } from './encode-store.js';
import { decodeClaimSections, dependsOnEarlierClaims } from './ownership-sections.js';
import { readSection, type SectionContent } from './section-reading.js';
import { PREAMBLE_BYTES, SectionType, TRAILER_BYTES } from './store-format.js';
import { checkFileLength, checkHeaderPresent, checkPreamble, parseHeaderBlock, type SectionEntry } from './store-layout.js';
import type { JsonValue, NamedTensor, QuantizedTensor, SubnetworkStore } from './store-model.js';

/**
 * Writes `store` to `path` atomically: the bytes go to a temporary file in
 * the same directory, which is fsynced and then renamed over `path` (and the
 * directory fsynced, where the platform allows). A crash leaves either the old
 * file or the new one, never half of one. Returns the bytes written.
 */
export async function writeStoreFile(path: string, store: SubnetworkStore, options: EncodeStoreOptions = {}): Promise<number> {
  const bytes = encodeStore(store, options);
  const target = resolve(path);
  const directory = dirname(target);
  const temporary = join(directory, `.${basename(target)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  try {
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Directory fsync is not possible on every platform (Windows); the rename itself is done.
  }
  return bytes.length;
}

/** Reads and decodes a whole store file with every check of {@link decodeStore}, the SHA-256 included. */
export async function readStoreFile(path: string): Promise<SubnetworkStore> {
  return decodeStore(new Uint8Array(await readFile(path)), { path });
}

/**
 * A task's claim on one tensor as read from its own section. Bit offsets are
 * not included: they depend on the lower tasks' claims (use
 * {@link readStoreFile} and {@link OwnershipMap.claimOf} for them).
 */
export interface LoadedClaim {
  /** The tensor. */
  readonly tensor: string;
  /** Bits the task holds in each claimed slot. */
  readonly bits: number;
  /** The claimed slots. */
  readonly slots: BitMask;
}

/** One task's part of a store file, as {@link readTaskFromFile} returns it. */
export interface LoadedTask {
  /** The file read. */
  readonly path: string;
  /** The task. */
  readonly taskId: number;
  /** The architecture descriptor from the header. */
  readonly architecture: JsonValue;
  /** The parameter tensors from the header. */
  readonly tensors: readonly ParameterTensorSpec[];
  /** All task ids in the file. */
  readonly tasks: readonly number[];
  /** The task's claims, by tensor name. */
  readonly claims: ReadonlyMap<string, LoadedClaim>;
  /** The task's own masks, by tensor name. */
  readonly masks: ReadonlyMap<string, BitMask>;
  /** The task's stored weights, by tensor name. */
  readonly quantization: ReadonlyMap<string, QuantizedTensor>;
  /** The task's heads. */
  readonly heads: readonly NamedTensor[];
  /** The task's batch-norm statistics. */
  readonly batchNorm: readonly NamedTensor[];
  /** The task's metadata, or undefined. */
  readonly metadata: JsonValue | undefined;
  /** The shared tensors (empty unless `includeShared`). */
  readonly shared: readonly NamedTensor[];
  /**
   * Labels of the sections read, in the order read: the task's own, the
   * shared one, and (version 2, when the task's claims are coded against
   * them) the claims sections of every lower task id.
   */
  readonly sectionsRead: readonly string[];
}

/** Options of {@link readTaskFromFile}. */
export interface ReadTaskOptions {
  /** Also read the shared tensors (task 0). Default true. */
  readonly includeShared?: boolean;
  /** Also hash the whole file and compare with the trailing SHA-256 (reads every byte once). Default false. */
  readonly verifyFileHash?: boolean;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) return out.subarray(0, done);
    done += bytesRead;
  }
  return out;
}

async function checkHashFromHandle(handle: FileHandle, totalLength: number, path: string): Promise<void> {
  const end = totalLength - TRAILER_BYTES;
  const hash = createHash('sha256');
  const chunk = 1 << 20;
  for (let at = 0; at < end; at += chunk) hash.update(await readAt(handle, at, Math.min(chunk, end - at)));
  const stored = Buffer.from(await readAt(handle, end, TRAILER_BYTES));
  const actual = hash.digest();
  if (!actual.equals(stored)) throw new StoreChecksumError(path, 'trailer', 'sha256', stored.toString('hex'), actual.toString('hex'));
}

/**
 * Loads one task's sections (and the shared tensors) from a store file by
 * seeking through the section table, without reading or decoding the other
 * tasks' sections. Checks: magic, version, preamble and header CRC32s, that
 * the file has the length the preamble promises (so truncation anywhere is
 * caught), and the CRC32 of every section it reads. In a version-2 file whose
 * claims of `taskId` are coded against the lower tasks' claims, it also reads
 * (and checks) the claims sections of every lower task id: ownership only, no
 * weights, heads or metadata of other tasks. The whole-file SHA-256
 * is checked only with `verifyFileHash: true`. Claims are checked against
 * themselves only: overlaps with other tasks need the whole file
 * ({@link readStoreFile}).
 */
export async function readTaskFromFile(path: string, taskId: number, options: ReadTaskOptions = {}): Promise<LoadedTask> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const preamble = checkPreamble(await readAt(handle, 0, Math.min(PREAMBLE_BYTES, size)), size, path);
    checkHeaderPresent(preamble, size, path);
    const layout = parseHeaderBlock(await readAt(handle, 0, preamble.dataStart), preamble, path);
    checkFileLength(layout, size, path);
    const { header } = layout;
    if (!header.tasks.includes(taskId)) throw new StoreTaskNotFoundError(path, taskId, header.tasks);
    const includeShared = options.includeShared ?? true;
    const claims = new Map<string, LoadedClaim>();
    const masks = new Map<string, BitMask>();
    let quantization = new Map<string, QuantizedTensor>();
    let heads: NamedTensor[] = [];
    let batchNorm: NamedTensor[] = [];
    let shared: NamedTensor[] = [];
    let metadata: JsonValue | undefined;
    const sectionsRead: string[] = [];
    const read = async (entry: SectionEntry): Promise<SectionContent> => {
      const content = readSection(entry, await readAt(handle, entry.offset, entry.length), header.tensors, path, layout.version);
      sectionsRead.push(entry.label);
      return content;
    };
    for (const entry of layout.sections) {
      if (entry.taskId !== taskId && !(includeShared && entry.type === SectionType.Shared)) continue;
      const content = await read(entry);
      switch (content.type) {
        case SectionType.Claims: {
          // Version 2: claims coded against the lower tasks' claims need those (claims sections only).
          const chain = [{ taskId, label: entry.label, claims: content.claims }];
          if (dependsOnEarlierClaims(content.claims)) {
            for (const lower of layout.sections) {
              if (lower.type !== SectionType.Claims || lower.taskId >= taskId) continue;
              const c = await read(lower);
              if (c.type === SectionType.Claims) chain.push({ taskId: lower.taskId, label: lower.label, claims: c.claims });
            }
          }
          const decoded = decodeClaimSections(chain, header.tensors, (label, reason, cause) => new StoreCorruptError(path, label, reason, { cause }));
          for (const c of decoded.get(taskId) ?? []) claims.set(c.tensor, { tensor: c.tensor, bits: c.bits, slots: c.slots });
          break;
        }
        case SectionType.Masks:
          for (const m of content.masks) masks.set(m.tensor, m.mask);
          break;
        case SectionType.Quantization:
          quantization = content.quantization;
          break;
        case SectionType.Heads:
          heads = content.tensors;
          break;
        case SectionType.BatchNorm:
          batchNorm = content.tensors;
          break;
        case SectionType.Shared:
          shared = content.tensors;
          break;
        case SectionType.Metadata:
          metadata = content.metadata;
          break;
      }
    }
    if (options.verifyFileHash === true) await checkHashFromHandle(handle, layout.totalLength, path);
    return {
      path,
      taskId,
      architecture: header.architecture,
      tensors: header.tensors,
      tasks: header.tasks,
      claims,
      masks,
      quantization,
      heads,
      batchNorm,
      metadata,
      shared,
      sectionsRead,
    };
  } finally {
    await handle.close();
  }
}
