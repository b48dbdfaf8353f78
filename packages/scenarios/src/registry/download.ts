import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ChecksumMismatchError, DownloadError } from '../errors/dataset-errors.js';
import { tempPathBeside } from '../formats/atomic-write.js';

/** Progress of one download, reported as bytes arrive. */
export interface DownloadProgress {
  /** The URL being fetched. */
  readonly url: string;
  /** The file it is written to (once complete and verified). */
  readonly file: string;
  /** Bytes received so far. */
  readonly received: number;
  /** Total bytes when the server says (Content-Length), else undefined. */
  readonly total: number | undefined;
}

/** Options of {@link downloadVerified}. */
export interface DownloadOptions {
  /** Called as bytes arrive (at most about every 64 KiB) and once at the end. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the request. */
  readonly signal?: AbortSignal;
  /** The fetch to use (default: the global fetch of Node >= 18). */
  readonly fetch?: typeof fetch;
}

/**
 * Streams `url` to `target` through a temp file beside it, hashing as it
 * goes; renames into place only when the SHA-256 equals `sha256` (hex).
 * On a mismatch the temp file is deleted and {@link ChecksumMismatchError}
 * thrown; network and HTTP failures throw {@link DownloadError}. Returns the
 * number of bytes written.
 */
export async function downloadVerified(url: string, target: string, sha256: string, options: DownloadOptions = {}): Promise<number> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, options.signal ? { signal: options.signal, redirect: 'follow' } : { redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new DownloadError(url, `request failed (${why})`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    throw new DownloadError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  mkdirSync(dirname(target), { recursive: true });
  const temp = tempPathBeside(target);
  const hash = createHash('sha256');
  let received = 0;
  let reported = 0;
  const report = (): void => options.onProgress?.({ url, file: target, received, total });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      received += chunk.length;
      if (received - reported >= 65536) {
        reported = received;
        report();
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), meter, createWriteStream(temp));
  } catch (error) {
    rmSync(temp, { force: true });
    throw new DownloadError(url, `transfer failed after ${received} bytes (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  report();
  const actual = hash.digest('hex');
  if (actual !== sha256.toLowerCase()) {
    rmSync(temp, { force: true });
    throw new ChecksumMismatchError(url, sha256, actual);
  }
  renameSync(temp, target);
  return received;
}
