import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DatasetFormatError } from '../errors/dataset-errors.js';

/** The bytes of a data file, decompressed when it was gzip. */
export interface FileBytes {
  /** The file's path. */
  readonly file: string;
  /** The content (decompressed if the file was gzip). */
  readonly bytes: Uint8Array;
  /** Whether the file was gzip (detected by its magic bytes 1f 8b, not by its name). */
  readonly gzipped: boolean;
  /** SHA-256 (hex) of the file as stored on disk (the compressed bytes for gzip). */
  readonly fileSha256: string;
}

/** Whether `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip `raw` read from `file`, turning zlib's errors into
 * {@link DatasetFormatError}s ('truncated-gzip' or 'corrupt-gzip').
 */
export function gunzipOrThrow(raw: Uint8Array, file: string): Uint8Array {
  try {
    const out = gunzipSync(raw, { chunkSize: outputChunkSize(raw) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
      throw new DatasetFormatError(file, 'truncated-gzip', `the gzip stream ends early (${message}); the file was cut short, download it again`, {
        cause: error,
      });
    }
    throw new DatasetFormatError(file, 'corrupt-gzip', `the gzip stream is corrupt (${message})`, { cause: error });
  }
}

/**
 * One output chunk as large as the size the gzip trailer announces (ISIZE,
 * the last 4 bytes), so zlib inflates into a single buffer instead of
 * concatenating chunks: half the time and no second copy at the peak. The
 * value is only a hint (a wrong one costs speed, never correctness) and is
 * bounded by deflate's maximum ratio and 1 GiB.
 */
function outputChunkSize(raw: Uint8Array): number {
  if (raw.length < 18) return 64 * 1024;
  const isize = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(raw.length - 4, true);
  return Math.max(64 * 1024, Math.min(isize + 1, raw.length * 1032, 2 ** 30));
}

/**
 * Reads a data file whole, gzip or raw (detected by content), and hashes
 * what is on disk so the registry can check it against a recorded SHA-256.
 */
export function readFileBytes(file: string): FileBytes {
  const raw = readFileSync(file);
  const stored = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const fileSha256 = createHash('sha256').update(stored).digest('hex');
  if (isGzip(stored)) return { file, bytes: gunzipOrThrow(stored, file), gzipped: true, fileSha256 };
  return { file, bytes: stored, gzipped: false, fileSha256 };
}

/** SHA-256 (hex) of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
