import { crc32, hex32 } from '../checksum/crc32.js';
import {
  StoreChecksumError,
  StoreCorruptError,
  StoreMagicError,
  StoreTruncatedError,
  StoreVersionError,
} from '../errors/store-errors.js';
import { MAX_TASK_ID, type ParameterTensorSpec } from '../ownership/ownership-map.js';
import { fromUtf8 } from './data-sections.js';
import {
  HEADER_CRC_BYTES,
  PREAMBLE_BYTES,
  SECTION_ENTRY_BYTES,
  SECTION_HEADER_BYTES,
  STORE_MAGIC,
  SUPPORTED_STORE_VERSIONS,
  SectionType,
  TRAILER_BYTES,
  isSectionType,
  sectionLabel,
  type SectionTypeId,
} from './store-format.js';
import type { JsonValue } from './store-model.js';

/** What the preamble says. */
export interface Preamble {
  readonly version: number;
  readonly headerLength: number;
  readonly sectionCount: number;
  readonly totalLength: number;
  /** End of the header block (preamble, header JSON, section table, header CRC) = start of the first section. */
  readonly dataStart: number;
}

/** One entry of the section table. */
export interface SectionEntry {
  /** Position in the table (0-based). */
  readonly index: number;
  readonly type: SectionTypeId;
  /** 0 for shared sections. */
  readonly taskId: number;
  /** Byte offset of the section (its 16-byte header) in the file. */
  readonly offset: number;
  /** Bytes of the section, header included. */
  readonly length: number;
  /** CRC32 of those bytes. */
  readonly crc: number;
  /** How errors name it. */
  readonly label: string;
}

/** The decoded header JSON. */
export interface StoreHeader {
  readonly architecture: JsonValue;
  readonly tensors: readonly ParameterTensorSpec[];
  readonly tasks: readonly number[];
}

/** Preamble, header and section table of a store file, checked. */
export interface StoreLayout extends Preamble {
  readonly header: StoreHeader;
  readonly sections: readonly SectionEntry[];
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Checks the first bytes of a file (up to 32; `fileSize` is the whole file's):
 * magic, then version, then that the preamble is complete and its CRC holds.
 * A wrong magic or version is reported before any CRC, so an older or newer
 * file, or another kind of file, says so.
 */
export function checkPreamble(bytes: Uint8Array, fileSize: number, path: string): Preamble {
  const magicPart = bytes.subarray(0, Math.min(STORE_MAGIC.length, bytes.length));
  if (magicPart.some((b, i) => b !== STORE_MAGIC[i])) throw new StoreMagicError(path, hex(magicPart));
  if (bytes.length < STORE_MAGIC.length + 2) throw new StoreTruncatedError(path, 'preamble', PREAMBLE_BYTES, fileSize);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (!SUPPORTED_STORE_VERSIONS.includes(version)) throw new StoreVersionError(path, version, SUPPORTED_STORE_VERSIONS);
  if (bytes.length < PREAMBLE_BYTES) throw new StoreTruncatedError(path, 'preamble', PREAMBLE_BYTES, fileSize);
  const stored = view.getUint32(28, true);
  const actual = crc32(bytes.subarray(0, 28));
  if (stored !== actual) throw new StoreChecksumError(path, 'preamble', 'crc32', hex32(stored), hex32(actual));
  const flags = view.getUint16(10, true);
  if (flags !== 0) throw new StoreCorruptError(path, 'preamble', `flags are ${flags} (versions 1 and 2 define none)`);
  const headerLength = view.getUint32(12, true);
  const sectionCount = view.getUint32(16, true);
  const totalBig = view.getBigUint64(20, true);
  if (totalBig > BigInt(Number.MAX_SAFE_INTEGER)) throw new StoreCorruptError(path, 'preamble', `file length ${totalBig} is impossible`);
  const totalLength = Number(totalBig);
  const dataStart = PREAMBLE_BYTES + headerLength + SECTION_ENTRY_BYTES * sectionCount + HEADER_CRC_BYTES;
  if (dataStart + TRAILER_BYTES > totalLength) throw new StoreCorruptError(path, 'preamble', `header of ${dataStart} bytes does not fit a file of ${totalLength}`);
  return { version, headerLength, sectionCount, totalLength, dataStart };
}

function parseHeaderJson(bytes: Uint8Array, path: string): StoreHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new StoreCorruptError(path, 'header', `header is not UTF-8 JSON (${(error as Error).message})`, { cause: error });
  }
  const fail = (why: string): never => {
    throw new StoreCorruptError(path, 'header', why);
  };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('header JSON is not an object');
  const h = parsed as Record<string, unknown>;
  if (!('architecture' in h)) fail('header JSON has no architecture');
  if (!Array.isArray(h['tensors'])) fail('header JSON has no tensors array');
  const tensors = (h['tensors'] as unknown[]).map((t, i): ParameterTensorSpec => {
    const spec = t as { name?: unknown; shape?: unknown };
    if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`header tensors[${i}] is not {name, shape}`);
    }
    return { name: spec.name as string, shape: spec.shape as number[] };
  });
  const tasks = h['tasks'];
  if (!Array.isArray(tasks) || !tasks.every((t, i) => Number.isInteger(t) && t >= 1 && t <= MAX_TASK_ID && (i === 0 || t > tasks[i - 1]))) {
    fail('header tasks is not an ascending list of task ids');
  }
  return { architecture: h['architecture'] as JsonValue, tensors, tasks: tasks as number[] };
}

/**
 * Parses the header block `[0, dataStart)` of a file whose preamble passed
 * {@link checkPreamble}: verifies its CRC32 (section `header`), then the JSON
 * and the section table (contiguous sections, known types, tasks listed in
 * the header, one section per type and task).
 */
export function parseHeaderBlock(block: Uint8Array, preamble: Preamble, path: string): StoreLayout {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const crcAt = preamble.dataStart - HEADER_CRC_BYTES;
  const stored = view.getUint32(crcAt, true);
  const actual = crc32(block.subarray(0, crcAt));
  if (stored !== actual) throw new StoreChecksumError(path, 'header', 'crc32', hex32(stored), hex32(actual));
  const header = parseHeaderJson(block.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + preamble.headerLength), path);
  const known = new Set(header.tasks);
  const seen = new Set<string>();
  const sections: SectionEntry[] = [];
  let expected = preamble.dataStart;
  for (let index = 0; index < preamble.sectionCount; index++) {
    const at = PREAMBLE_BYTES + preamble.headerLength + index * SECTION_ENTRY_BYTES;
    const type = view.getUint16(at, true);
    const reserved = view.getUint16(at + 2, true) + view.getUint32(at + 28, true);
    const taskId = view.getUint32(at + 4, true);
    const offset = Number(view.getBigUint64(at + 8, true));
    const length = Number(view.getBigUint64(at + 16, true));
    const crc = view.getUint32(at + 24, true);
    const label = sectionLabel(type, taskId, index);
    const fail = (why: string): never => {
      throw new StoreCorruptError(path, 'header', `section table entry #${index} (${label}): ${why}`);
    };
    if (!isSectionType(type)) fail(`unknown section type ${type}`);
    if (reserved !== 0) fail('reserved fields are not 0');
    if ((type === SectionType.Shared) !== (taskId === 0)) fail('task id 0 is for shared sections only');
    if (taskId !== 0 && !known.has(taskId)) fail(`task ${taskId} is not listed in the header`);
    if (seen.has(`${type}/${taskId}`)) fail('a second section of this type for this task');
    seen.add(`${type}/${taskId}`);
    if (offset !== expected) fail(`offset ${offset}, expected ${expected} (sections are contiguous)`);
    if (length < SECTION_HEADER_BYTES) fail(`length ${length} is shorter than a section header`);
    expected = offset + length;
    sections.push({ index, type: type as SectionTypeId, taskId, offset, length, crc, label });
  }
  if (expected + TRAILER_BYTES !== preamble.totalLength) {
    throw new StoreCorruptError(path, 'header', `sections end at ${expected}, but the file length says ${preamble.totalLength - TRAILER_BYTES}`);
  }
  return { ...preamble, header, sections };
}

/**
 * Compares the real file size with the length the preamble promises. A short
 * file is a {@link StoreTruncatedError} naming the first part cut off (a
 * section or the trailer); a long one is corrupt (bytes after the trailer).
 */
export function checkFileLength(layout: StoreLayout, fileSize: number, path: string): void {
  if (fileSize > layout.totalLength) {
    throw new StoreCorruptError(path, 'trailer', `${fileSize - layout.totalLength} unexpected byte(s) after the trailer`);
  }
  if (fileSize < layout.totalLength) {
    const cut = layout.sections.find((s) => s.offset + s.length > fileSize);
    if (cut !== undefined) throw new StoreTruncatedError(path, cut.label, cut.offset + cut.length, fileSize);
    throw new StoreTruncatedError(path, 'trailer', layout.totalLength, fileSize);
  }
}

/** Throws {@link StoreTruncatedError} (section `header`) when the file ends inside the header block. */
export function checkHeaderPresent(preamble: Preamble, fileSize: number, path: string): void {
  if (fileSize < preamble.dataStart) throw new StoreTruncatedError(path, 'header', preamble.dataStart, fileSize);
}
