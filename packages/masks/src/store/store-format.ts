/**
 * Constants of the sub-network store file format, versions 1 and 2 (they
 * differ only in how claims sections code each claim). The byte-by-byte
 * layout is documented in the package README ("File format").
 */

/** The first 8 bytes of every store file: ASCII `RTNSTORE`. */
export const STORE_MAGIC = Uint8Array.from([0x52, 0x54, 0x4e, 0x53, 0x54, 0x4f, 0x52, 0x45]);

/** The format version this package writes. */
export const STORE_FORMAT_VERSION = 2;

/** The format versions this package reads. */
export const SUPPORTED_STORE_VERSIONS: readonly number[] = [1, 2];

/** Fixed preamble: magic, version, flags, header length, section count, file length, CRC. */
export const PREAMBLE_BYTES = 32;

/** One entry of the section table. */
export const SECTION_ENTRY_BYTES = 32;

/** The header each section starts with: type, reserved, task id, payload length. */
export const SECTION_HEADER_BYTES = 16;

/** The CRC32 after the section table. */
export const HEADER_CRC_BYTES = 4;

/** The SHA-256 of everything before it, at the end of the file. */
export const TRAILER_BYTES = 32;

/** Section type tags (u16). */
export const SectionType = {
  /** A task's claims: per tensor, its bit width and claimed slots (coded mask). */
  Claims: 1,
  /** A task's own masks (WSN), per tensor. */
  Masks: 2,
  /** A task's stored weights per tensor: float32 values, or codes with a codebook or scales/zero-points. */
  Quantization: 3,
  /** A task's head tensors. */
  Heads: 4,
  /** A task's batch-norm statistics. */
  BatchNorm: 5,
  /** A task's metadata, UTF-8 JSON. */
  Metadata: 6,
  /** Tensors shared by every task (task id 0). */
  Shared: 7,
} as const;

/** One of {@link SectionType}'s values. */
export type SectionTypeId = (typeof SectionType)[keyof typeof SectionType];

const NAMES: Record<number, string> = {
  1: 'claims',
  2: 'masks',
  3: 'quantization',
  4: 'heads',
  5: 'batch-norm',
  6: 'metadata',
  7: 'shared tensors',
};

/** Whether `type` is a known section type. */
export function isSectionType(type: number): type is SectionTypeId {
  return type in NAMES;
}

/** How errors name a section: `task 3 quantization (section #5)`. */
export function sectionLabel(type: number, taskId: number, index: number): string {
  const name = NAMES[type] ?? `unknown type ${type}`;
  return taskId === 0 ? `${name} (section #${index})` : `task ${taskId} ${name} (section #${index})`;
}

/** Quantisation scheme tags (u8) inside a quantization section. */
export const SchemeTag = { float32: 0, linear: 1, codebook: 2 } as const;
