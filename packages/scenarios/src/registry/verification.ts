import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ChecksumMismatchError } from '../errors/dataset-errors.js';
import { writeFileAtomic } from '../formats/atomic-write.js';
import { sha256Hex, type FileBytes } from '../formats/file-bytes.js';
import type { KnownFile } from './known-datasets.js';

/** The sidecar file in a cache directory recording the SHA-256 of files extracted from a verified archive. */
export const VERIFIED_RECORD_FILE = 'retain-verified.json';

/**
 * How a file was identified: 'sha256' (matches the published file),
 * 'content-sha256' (its decompressed content matches), 'archive-record'
 * (extracted by us from an archive whose SHA-256 matched), 'unverified' (no
 * checksum is known for this form of the file), 'skipped' (verify: 'structure').
 */
export type VerificationMethod = 'sha256' | 'content-sha256' | 'archive-record' | 'unverified' | 'skipped';

/** One file's verification outcome. */
export interface FileVerification {
  /** The file. */
  readonly file: string;
  /** How it was identified. */
  readonly method: VerificationMethod;
}

/** Whether files must match their known checksums ('checksum', the default) or only pass the format checks ('structure'). */
export type VerifyMode = 'checksum' | 'structure';

/** Reads the verified-extraction record of `dir` (file name -> SHA-256), empty when absent or unreadable. */
export function readVerifiedRecord(dir: string): Readonly<Record<string, string>> {
  const file = join(dir, VERIFIED_RECORD_FILE);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { files?: Record<string, string> };
    return parsed.files ?? {};
  } catch {
    return {};
  }
}

/** Writes the verified-extraction record of `dir` (atomically). */
export function writeVerifiedRecord(dir: string, archiveUrl: string, archiveSha256: string, files: Readonly<Record<string, string>>): void {
  writeFileAtomic(join(dir, VERIFIED_RECORD_FILE), `${JSON.stringify({ source: archiveUrl, archiveSha256, files }, null, 2)}\n`);
}

/**
 * Identifies a file read from disk against what is known about it. A file
 * that contradicts an applicable known checksum throws
 * {@link ChecksumMismatchError} in 'checksum' mode; a file for which no
 * checksum applies is accepted as 'unverified' (the format checks still ran).
 */
export function verifyFile(bytes: FileBytes, known: KnownFile | undefined, record: Readonly<Record<string, string>>, mode: VerifyMode): FileVerification {
  const file = bytes.file;
  if (known?.sha256 !== undefined && known.sha256 === bytes.fileSha256) return { file, method: 'sha256' };
  if (record[basename(file)] === bytes.fileSha256) return { file, method: 'archive-record' };
  let contentSha: string | undefined;
  if (known?.contentSha256 !== undefined) {
    contentSha = bytes.gzipped ? sha256Hex(bytes.bytes) : bytes.fileSha256;
    if (contentSha === known.contentSha256) return { file, method: 'content-sha256' };
  }
  if (mode === 'structure') return { file, method: 'skipped' };
  if (known?.contentSha256 !== undefined) {
    throw new ChecksumMismatchError(
      `${file} (decompressed content; pass verify: 'structure' to accept a modified copy)`,
      known.contentSha256,
      contentSha ?? '',
    );
  }
  const recorded = record[basename(file)];
  if (recorded !== undefined) throw new ChecksumMismatchError(`${file} (changed since it was extracted and recorded in ${VERIFIED_RECORD_FILE})`, recorded, bytes.fileSha256);
  if (bytes.gzipped && known?.sha256 !== undefined) {
    throw new ChecksumMismatchError(`${file} (not the published file; pass verify: 'structure' to accept a re-compressed copy)`, known.sha256, bytes.fileSha256);
  }
  return { file, method: 'unverified' };
}
