import { RetainError } from '@retain/core';

/**
 * What is wrong with a data file, one stable name per case so callers and
 * tests can branch on it without parsing messages.
 */
export type DatasetProblem =
  | 'truncated-gzip'
  | 'corrupt-gzip'
  | 'bad-magic'
  | 'unsupported-data-type'
  | 'size-mismatch'
  | 'count-mismatch'
  | 'label-out-of-range'
  | 'non-finite-value'
  | 'shape-mismatch'
  | 'bad-manifest'
  | 'missing-member';

/**
 * A data file cannot be read as what it claims to be: the message names the
 * file and the problem, `problem` is one of {@link DatasetProblem}.
 */
export class DatasetFormatError extends RetainError {
  /** The file at fault (absolute path as given to the reader). */
  readonly file: string;
  /** Which check failed. */
  readonly problem: DatasetProblem;

  constructor(file: string, problem: DatasetProblem, detail: string, options?: { cause?: unknown }) {
    super('ERR_DATASET_FORMAT', `${file}: ${problem}: ${detail}`, options);
    this.file = file;
    this.problem = problem;
  }
}

/** One place the registry looked for a dataset, and what it found there. */
export interface LookedIn {
  /** Where: a directory, or a URL for the download step. */
  readonly location: string;
  /** Why this place was on the list: 'dataDir option', 'RETAIN_DATA_DIR', 'user cache', 'system', 'download'. */
  readonly origin: string;
  /** What went wrong there, e.g. "missing train-images-idx3-ubyte(.gz)". */
  readonly outcome: string;
}

/**
 * A dataset could be found nowhere: the message lists every location looked
 * in (with what was missing there) and how to provide the files.
 */
export class DatasetNotFoundError extends RetainError {
  /** The dataset's registry name, e.g. 'fashion-mnist'. */
  readonly dataset: string;
  /** Every place looked in, in resolution order. */
  readonly lookedIn: readonly LookedIn[];
  /** How a user can provide the files. */
  readonly howToProvide: string;

  constructor(dataset: string, lookedIn: readonly LookedIn[], howToProvide: string, options?: { cause?: unknown }) {
    const lines = lookedIn.map((l) => `  - ${l.location} (${l.origin}): ${l.outcome}`);
    super(
      'ERR_DATASET_NOT_FOUND',
      `dataset '${dataset}' not found. Looked in:\n${lines.join('\n')}\nHow to provide it: ${howToProvide}`,
      options,
    );
    this.dataset = dataset;
    this.lookedIn = lookedIn;
    this.howToProvide = howToProvide;
  }
}

/** A file's SHA-256 differs from the checksum recorded for it; nothing was kept. */
export class ChecksumMismatchError extends RetainError {
  /** The file (or URL) whose bytes were hashed. */
  readonly file: string;
  /** The SHA-256 recorded in code (hex). */
  readonly expected: string;
  /** The SHA-256 of the bytes received (hex). */
  readonly actual: string;

  constructor(file: string, expected: string, actual: string) {
    super('ERR_CHECKSUM_MISMATCH', `${file}: SHA-256 mismatch: expected ${expected}, got ${actual}; the file was discarded`);
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A download failed (network error, HTTP status, interrupted body). */
export class DownloadError extends RetainError {
  /** The URL that failed. */
  readonly url: string;

  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super('ERR_DOWNLOAD', `${url}: ${detail}`, options);
    this.url = url;
  }
}
