// Test support (excluded from the build): recompute every checksum of a store file after a test edited it,
// so the test can check what the structural checks catch beyond the checksums.
import { createHash } from 'node:crypto';
import { crc32 } from '../checksum/crc32.js';
import { PREAMBLE_BYTES, SECTION_ENTRY_BYTES, TRAILER_BYTES } from '../store/store-format.js';

/** Fixes section CRCs, the header CRC, the preamble CRC and the SHA-256 of `bytes` in place; returns it. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(12, true);
  const sections = view.getUint32(16, true);
  const tableAt = PREAMBLE_BYTES + headerLength;
  for (let k = 0; k < sections; k++) {
    const at = tableAt + k * SECTION_ENTRY_BYTES;
    const offset = Number(view.getBigUint64(at + 8, true));
    const length = Number(view.getBigUint64(at + 16, true));
    view.setUint32(at + 24, crc32(bytes.subarray(offset, offset + length)), true);
  }
  view.setUint32(28, crc32(bytes.subarray(0, 28)), true);
  const crcAt = tableAt + sections * SECTION_ENTRY_BYTES;
  view.setUint32(crcAt, crc32(bytes.subarray(0, crcAt)), true);
  const end = bytes.length - TRAILER_BYTES;
  bytes.set(createHash('sha256').update(bytes.subarray(0, end)).digest(), end);
  return bytes;
}

/** Offset of section `index`'s payload (after its 16-byte header). */
export function sectionPayloadOffset(bytes: Uint8Array, index: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = PREAMBLE_BYTES + view.getUint32(12, true) + index * SECTION_ENTRY_BYTES;
  return Number(view.getBigUint64(at + 8, true)) + 16;
}
