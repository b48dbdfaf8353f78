import { createHash } from 'node:crypto';
import { StoreChecksumError, StoreCorruptError, StoreFormatError, IN_MEMORY_SOURCE } from '../errors/store-errors.js';
import { PREAMBLE_BYTES, SectionType, TRAILER_BYTES } from './store-format.js';
import { checkFileLength, checkHeaderPresent, checkPreamble, parseHeaderBlock, type SectionEntry, type StoreLayout } from './store-layout.js';
import { decodeClaimSections } from './ownership-sections.js';
import { readSection, type SectionContent, type SizeTally } from './section-reading.js';
import { SubnetworkStore } from './store-model.js';

/** Options of {@link decodeStore}. */
export interface DecodeStoreOptions {
  /** Named in errors (default `<memory>`). */
  readonly path?: string;
}

/** A decoded store with the bytes each component took, as read. */
export interface AnalysedStore {
  readonly store: SubnetworkStore;
  readonly layout: StoreLayout;
  /** Bytes per component; sums to the file length. */
  readonly tally: SizeTally;
  /** Bytes of each task's sections (0 = shared sections). */
  readonly bytesByTask: Map<number, number>;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks preamble, header and length of a complete in-memory file. */
export function readLayout(bytes: Uint8Array, path: string): StoreLayout {
  const preamble = checkPreamble(bytes.subarray(0, PREAMBLE_BYTES), bytes.length, path);
  checkHeaderPresent(preamble, bytes.length, path);
  const layout = parseHeaderBlock(bytes.subarray(0, preamble.dataStart), preamble, path);
  checkFileLength(layout, bytes.length, path);
  return layout;
}

/** Applies decoded sections to a fresh store: all claims first (masks are checked against them), then the rest. */
export function assembleStore(layout: StoreLayout, contents: readonly [SectionEntry, SectionContent][], path: string): SubnetworkStore {
  let store: SubnetworkStore;
  try {
    store = new SubnetworkStore({ architecture: layout.header.architecture, tensors: layout.header.tensors });
    for (const t of layout.header.tasks) store.addTask(t);
  } catch (error) {
    throw new StoreCorruptError(path, 'header', (error as Error).message, { cause: error });
  }
  const claimSections = contents.flatMap(([entry, c]) => (c.type === SectionType.Claims ? [{ taskId: entry.taskId, label: entry.label, claims: c.claims }] : []));
  const claims = decodeClaimSections(claimSections, layout.header.tensors, (label, reason, cause) => new StoreCorruptError(path, label, reason, { cause }));
  const ordered = [...contents.filter(([, c]) => c.type === SectionType.Claims), ...contents.filter(([, c]) => c.type !== SectionType.Claims)];
  for (const [entry, content] of ordered) {
    const t = entry.taskId;
    try {
      switch (content.type) {
        case SectionType.Claims:
          for (const c of claims.get(t) ?? []) store.ownership.claim(t, c.tensor, c.slots, c.bits);
          break;
        case SectionType.Masks:
          for (const m of content.masks) store.ownership.setTaskMask(t, m.tensor, m.mask);
          break;
        case SectionType.Quantization:
          for (const q of content.quantization.values()) store.setQuantization(t, q);
          break;
        case SectionType.Heads:
          store.setHeads(t, content.tensors);
          break;
        case SectionType.BatchNorm:
          store.setBatchNorm(t, content.tensors);
          break;
        case SectionType.Shared:
          store.setShared(content.tensors);
          break;
        case SectionType.Metadata:
          store.setMetadata(t, content.metadata);
          break;
      }
    } catch (error) {
      if (error instanceof StoreFormatError) throw error;
      throw new StoreCorruptError(path, entry.label, (error as Error).message, { cause: error });
    }
  }
  return store;
}

/** Compares the trailing SHA-256 with the hash of everything before it. */
export function checkFileHash(bytes: Uint8Array, layout: StoreLayout, path: string): void {
  const end = layout.totalLength - TRAILER_BYTES;
  const stored = bytes.subarray(end, layout.totalLength);
  const actual = createHash('sha256').update(bytes.subarray(0, end)).digest();
  if (!actual.equals(stored)) throw new StoreChecksumError(path, 'trailer', 'sha256', hex(stored), hex(actual));
}

/**
 * Decodes a whole store and measures it: every check of {@link decodeStore},
 * plus the bytes of each component as actually read.
 */
export function analyseStore(bytes: Uint8Array, options: DecodeStoreOptions = {}): AnalysedStore {
  const path = options.path ?? IN_MEMORY_SOURCE;
  const layout = readLayout(bytes, path);
  const tally: SizeTally = new Map([['framing', layout.dataStart + TRAILER_BYTES]]);
  const bytesByTask = new Map<number, number>();
  const contents: [SectionEntry, SectionContent][] = layout.sections.map((entry) => {
    bytesByTask.set(entry.taskId, (bytesByTask.get(entry.taskId) ?? 0) + entry.length);
    return [entry, readSection(entry, bytes.subarray(entry.offset, entry.offset + entry.length), layout.header.tensors, path, layout.version, tally)];
  });
  checkFileHash(bytes, layout, path);
  const store = assembleStore(layout, contents, path);
  return { store, layout, tally, bytesByTask };
}

/**
 * Decodes bytes made by {@link encodeStore}. Checks, in order: magic,
 * version, preamble CRC32, header CRC32, header and table structure, file
 * length, each section's CRC32 and structure, the whole-file SHA-256, and
 * that claims and masks are consistent. Failures are {@link StoreFormatError}
 * subclasses naming `options.path` and the section at fault.
 */
export function decodeStore(bytes: Uint8Array, options: DecodeStoreOptions = {}): SubnetworkStore {
  return analyseStore(bytes, options).store;
}
