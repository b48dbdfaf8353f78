import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@retain/core';
import { crc32 } from '../checksum/crc32.js';
import type { EncodeMaskOptions } from '../coding/mask-coding.js';
import { ByteWriter } from './byte-io.js';
import { writeNamedTensors, writeQuantization, utf8 } from './data-sections.js';
import { emptyHistories, writeClaims, writeMasks } from './ownership-sections.js';
import {
  HEADER_CRC_BYTES,
  PREAMBLE_BYTES,
  SECTION_ENTRY_BYTES,
  SECTION_HEADER_BYTES,
  STORE_FORMAT_VERSION,
  STORE_MAGIC,
  SectionType,
  TRAILER_BYTES,
  type SectionTypeId,
} from './store-format.js';
import { jsonText, type SubnetworkStore } from './store-model.js';

/** Options of {@link encodeStore}. */
export interface EncodeStoreOptions {
  /** How claim and task masks are coded (default: range coding when it is smaller). */
  readonly maskCoding?: EncodeMaskOptions;
  /**
   * Format version to write: 2 (default, {@link STORE_FORMAT_VERSION}: claims
   * coded against the lower tasks' claims) or 1 (every claim a self-contained
   * mask over all slots, for readers that only read version 1).
   */
  readonly formatVersion?: 1 | 2;
}

interface PendingSection {
  readonly type: SectionTypeId;
  readonly taskId: number;
  readonly payload: Uint8Array;
}

function collectSections(store: SubnetworkStore, maskCoding: EncodeMaskOptions, version: number): PendingSection[] {
  const histories = emptyHistories(store.tensors);
  const sections: PendingSection[] = [];
  const add = (type: SectionTypeId, taskId: number, write: (w: ByteWriter) => number): void => {
    const w = new ByteWriter();
    if (write(w) > 0) sections.push({ type, taskId, payload: w.toBytes() });
  };
  add(SectionType.Shared, 0, (w) => writeNamedTensors(w, store.shared));
  for (const taskId of store.taskIds()) {
    const record = store.task(taskId);
    add(SectionType.Claims, taskId, (w) => writeClaims(w, store.ownership, taskId, maskCoding, version, histories));
    add(SectionType.Masks, taskId, (w) => writeMasks(w, store.ownership, taskId, maskCoding));
    add(SectionType.Quantization, taskId, (w) => writeQuantization(w, record.quantization, store.tensors));
    add(SectionType.Heads, taskId, (w) => writeNamedTensors(w, record.heads));
    add(SectionType.BatchNorm, taskId, (w) => writeNamedTensors(w, record.batchNorm));
    if (record.metadata !== undefined) sections.push({ type: SectionType.Metadata, taskId, payload: utf8(jsonText('metadata', record.metadata)) });
  }
  return sections;
}

function sectionBytes(section: PendingSection): Uint8Array {
  const w = new ByteWriter(SECTION_HEADER_BYTES + section.payload.length);
  w.u16(section.type);
  w.u16(0);
  w.u32(section.taskId);
  w.u64(section.payload.length);
  w.bytes(section.payload);
  return w.toBytes();
}

/**
 * Serialises a store into the file format (version 2 unless
 * `options.formatVersion` says 1; see the README): a
 * preamble with its own CRC32, the header JSON (architecture, tensors, task
 * ids) and a section table with each section's type, task, offset, length and
 * CRC32, a CRC32 of all that, the sections, and a SHA-256 of everything.
 * Deterministic: the same store gives the same bytes.
 */
export function encodeStore(store: SubnetworkStore, options: EncodeStoreOptions = {}): Uint8Array {
  const version = options.formatVersion ?? STORE_FORMAT_VERSION;
  if (version !== 1 && version !== 2) throw new InvalidArgumentError('formatVersion', version, '1 or 2');
  const sections = collectSections(store, options.maskCoding ?? {}, version).map((s) => ({ ...s, bytes: sectionBytes(s) }));
  const header = utf8(
    jsonText('header', {
      architecture: store.architecture,
      tensors: store.tensors.map((t) => ({ name: t.name, shape: [...t.shape] })),
      tasks: store.taskIds(),
    }),
  );
  const dataStart = PREAMBLE_BYTES + header.length + SECTION_ENTRY_BYTES * sections.length + HEADER_CRC_BYTES;
  const totalLength = dataStart + sections.reduce((sum, s) => sum + s.bytes.length, 0) + TRAILER_BYTES;

  const preamble = new ByteWriter(PREAMBLE_BYTES);
  preamble.bytes(STORE_MAGIC);
  preamble.u16(version);
  preamble.u16(0);
  preamble.u32(header.length);
  preamble.u32(sections.length);
  preamble.u64(totalLength);
  preamble.u32(crc32(preamble.toBytes()));

  const head = new ByteWriter(dataStart);
  head.bytes(preamble.toBytes());
  head.bytes(header);
  let offset = dataStart;
  for (const s of sections) {
    head.u16(s.type);
    head.u16(0);
    head.u32(s.taskId);
    head.u64(offset);
    head.u64(s.bytes.length);
    head.u32(crc32(s.bytes));
    head.u32(0);
    offset += s.bytes.length;
  }
  head.u32(crc32(head.toBytes()));

  const out = new Uint8Array(totalLength);
  out.set(head.toBytes(), 0);
  let at = dataStart;
  for (const s of sections) {
    out.set(s.bytes, at);
    at += s.bytes.length;
  }
  const digest = createHash('sha256').update(out.subarray(0, at)).digest();
  out.set(digest, at);
  return out;
}
