/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final
 * xor 0xFFFFFFFF): the checksum of zip, gzip and PNG. Table-driven,
 * slicing by 8 bytes. Ours because `zlib.crc32` only exists in newer Node.
 */

/** 8 tables of 256 entries, flat: table k at [k * 256, (k + 1) * 256). */
const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  for (let t = 1; t < 8; t++) {
    for (let n = 0; n < 256; n++) {
      const prev = table[(t - 1) * 256 + n] ?? 0;
      table[t * 256 + n] = ((table[prev & 0xff] ?? 0) ^ (prev >>> 8)) >>> 0;
    }
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, continuing from `previous` (the CRC of the bytes before
 * them; 0 to start), as an unsigned 32-bit number.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const T = TABLE;
  let crc = ~previous >>> 0;
  const n = bytes.length;
  const end8 = n - (n % 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  for (; i < end8; i += 8) {
    const a = (crc ^ view.getUint32(i, true)) >>> 0;
    const b = view.getUint32(i + 4, true);
    crc =
      (T[1792 + (a & 0xff)] ?? 0) ^
      (T[1536 + ((a >>> 8) & 0xff)] ?? 0) ^
      (T[1280 + ((a >>> 16) & 0xff)] ?? 0) ^
      (T[1024 + (a >>> 24)] ?? 0) ^
      (T[768 + (b & 0xff)] ?? 0) ^
      (T[512 + ((b >>> 8) & 0xff)] ?? 0) ^
      (T[256 + ((b >>> 16) & 0xff)] ?? 0) ^
      (T[b >>> 24] ?? 0);
  }
  for (; i < n; i++) crc = (T[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** A CRC or other 32-bit value as 8 lower-case hex digits. */
export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
