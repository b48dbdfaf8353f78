import { RetainError } from '@retain/core';

/** Label used for `path` when bytes were decoded from memory rather than read from a file. */
export const IN_MEMORY_SOURCE = '<memory>';

/**
 * Base class of every error about a sub-network store file. `path` names the
 * file (or {@link IN_MEMORY_SOURCE}) and `section` the part at fault:
 * `preamble`, `header`, `trailer`, or a section such as `task 3 quantization
 * (section #5)`.
 */
export class StoreFormatError extends RetainError {
  /** The file read, or `<memory>`. */
  readonly path: string;
  /** The part of the file at fault. */
  readonly section: string;

  constructor(code: string, path: string, section: string, detail: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${section}: ${detail}`, options);
    this.path = path;
    this.section = section;
  }
}

/** The file does not start with the store's magic bytes: not a sub-network store. */
export class StoreMagicError extends StoreFormatError {
  /** The first bytes found, as hex. */
  readonly found: string;

  constructor(path: string, found: string) {
    super('ERR_STORE_MAGIC', path, 'preamble', `not a sub-network store (magic bytes ${found || '(none)'})`);
    this.found = found;
  }
}

/** The file is a sub-network store of a format version this reader does not read. */
export class StoreVersionError extends StoreFormatError {
  /** The version in the file. */
  readonly found: number;
  /** The versions this reader reads. */
  readonly supported: readonly number[];

  constructor(path: string, found: number, supported: readonly number[]) {
    super('ERR_STORE_VERSION', path, 'preamble', `format version ${found} is not supported (this reader reads ${supported.join(', ')})`);
    this.found = found;
    this.supported = supported;
  }
}

/** The file ends before the part named by `section` does. */
export class StoreTruncatedError extends StoreFormatError {
  /** Bytes the file should have (at least up to the end of `section`). */
  readonly expectedBytes: number;
  /** Bytes it has. */
  readonly actualBytes: number;

  constructor(path: string, section: string, expectedBytes: number, actualBytes: number) {
    super('ERR_STORE_TRUNCATED', path, section, `file is truncated: needs ${expectedBytes} bytes, has ${actualBytes}`);
    this.expectedBytes = expectedBytes;
    this.actualBytes = actualBytes;
  }
}

/** A CRC32 or the whole-file SHA-256 does not match: the bytes were changed. */
export class StoreChecksumError extends StoreFormatError {
  /** Which checksum failed. */
  readonly algorithm: 'crc32' | 'sha256';
  /** The checksum stored in the file (hex). */
  readonly expected: string;
  /** The checksum of the bytes read (hex). */
  readonly actual: string;

  constructor(path: string, section: string, algorithm: 'crc32' | 'sha256', expected: string, actual: string) {
    super('ERR_STORE_CHECKSUM', path, section, `${algorithm} mismatch: stored ${expected}, computed ${actual} (the bytes were changed)`);
    this.algorithm = algorithm;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The bytes pass their checksums but do not describe a valid store (a writer bug or a crafted file). */
export class StoreCorruptError extends StoreFormatError {
  /** What is wrong, in words. */
  readonly reason: string;

  constructor(path: string, section: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_STORE_CORRUPT', path, section, reason, options);
    this.reason = reason;
  }
}

/** {@link readTaskFromFile} was asked for a task the file does not hold. */
export class StoreTaskNotFoundError extends StoreFormatError {
  /** The task asked for. */
  readonly taskId: number;
  /** The tasks the file holds. */
  readonly available: readonly number[];

  constructor(path: string, taskId: number, available: readonly number[]) {
    super('ERR_STORE_TASK_NOT_FOUND', path, 'header', `task ${taskId} is not in this store (tasks: ${available.join(', ') || 'none'})`);
    this.taskId = taskId;
    this.available = available;
  }
}
