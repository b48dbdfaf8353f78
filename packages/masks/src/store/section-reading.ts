import { crc32, hex32 } from '../checksum/crc32.js';
import { StoreChecksumError, StoreCorruptError, StoreFormatError } from '../errors/store-errors.js';
import type { ParameterTensorSpec } from '../ownership/ownership-map.js';
import { ByteReader, type SizeComponent } from './byte-io.js';
import { fromUtf8, readNamedTensors, readQuantization } from './data-sections.js';
import { readClaims, readMasks, type DecodedMask, type PendingClaim } from './ownership-sections.js';
import { SECTION_HEADER_BYTES, SectionType } from './store-format.js';
import type { SectionEntry } from './store-layout.js';
import type { JsonValue, NamedTensor, QuantizedTensor } from './store-model.js';

/** The decoded content of one section. */
export type SectionContent =
  | { readonly type: typeof SectionType.Claims; readonly claims: PendingClaim[] }
  | { readonly type: typeof SectionType.Masks; readonly masks: DecodedMask[] }
  | { readonly type: typeof SectionType.Quantization; readonly quantization: Map<string, QuantizedTensor> }
  | { readonly type: typeof SectionType.Heads | typeof SectionType.BatchNorm | typeof SectionType.Shared; readonly tensors: NamedTensor[] }
  | { readonly type: typeof SectionType.Metadata; readonly metadata: JsonValue };

/** Bytes per size component, accumulated over the sections read. */
export type SizeTally = Map<SizeComponent, number>;

function readPayload(entry: SectionEntry, r: ByteReader, tensors: readonly ParameterTensorSpec[], version: number): SectionContent {
  switch (entry.type) {
    case SectionType.Claims:
      return { type: entry.type, claims: readClaims(r, tensors, version) };
    case SectionType.Masks:
      return { type: entry.type, masks: readMasks(r, tensors) };
    case SectionType.Quantization:
      return { type: entry.type, quantization: readQuantization(r, tensors) };
    case SectionType.Heads:
      return { type: entry.type, tensors: readNamedTensors(r, 'heads') };
    case SectionType.BatchNorm:
      return { type: entry.type, tensors: readNamedTensors(r, 'batchNorm') };
    case SectionType.Shared:
      return { type: entry.type, tensors: readNamedTensors(r, 'shared') };
    case SectionType.Metadata:
      return { type: entry.type, metadata: JSON.parse(fromUtf8(r.raw(r.remaining, 'metadata'))) as JsonValue };
  }
}

/**
 * Verifies one section (`bytes` = exactly its bytes, as located by the
 * table): its CRC32, then that its own header agrees with the table, then
 * decodes the payload, which must be consumed exactly. Every failure names
 * the file and the section. Bytes read are added to `tally` when given.
 * `version` is the file's format version. Claims coded against lower tasks'
 * claims (version 2) come back undecoded: see `decodeClaimSections`.
 */
export function readSection(entry: SectionEntry, bytes: Uint8Array, tensors: readonly ParameterTensorSpec[], path: string, version: number, tally?: SizeTally): SectionContent {
  const actual = crc32(bytes);
  if (actual !== entry.crc) throw new StoreChecksumError(path, entry.label, 'crc32', hex32(entry.crc), hex32(actual));
  const r = new ByteReader(bytes);
  try {
    const type = r.u16();
    const reserved = r.u16();
    const taskId = r.u32();
    const payloadLength = r.u64();
    if (type !== entry.type || taskId !== entry.taskId || reserved !== 0 || payloadLength !== entry.length - SECTION_HEADER_BYTES) {
      throw new StoreCorruptError(path, entry.label, `section header (type ${type}, task ${taskId}, ${payloadLength} bytes) disagrees with the section table`);
    }
    const content = readPayload(entry, r, tensors, version);
    if (r.remaining !== 0) throw new StoreCorruptError(path, entry.label, `${r.remaining} byte(s) left over after the payload`);
    if (tally !== undefined) for (const [component, n] of r.tally) tally.set(component, (tally.get(component) ?? 0) + n);
    return content;
  } catch (error) {
    if (error instanceof StoreFormatError) throw error;
    throw new StoreCorruptError(path, entry.label, (error as Error).message, { cause: error });
  }
}
