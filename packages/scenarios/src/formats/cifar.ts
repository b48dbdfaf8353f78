import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetFormatError } from '../errors/dataset-errors.js';
import { checkLabelRange, type LabeledImages } from '../datasets/labeled-images.js';
import { readFileBytes, type FileBytes } from './file-bytes.js';

/** CIFAR images are 32 x 32 RGB. */
export const CIFAR_SHAPE = [32, 32, 3] as const;
const PIXELS = 32 * 32;

/** Which CIFAR binary layout a file has. */
export interface CifarLayout {
  /** Label bytes before each image: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100. */
  readonly labelBytes: 1 | 2;
  /** Which of the label bytes is the label to use (CIFAR-100: 0 coarse, 1 fine). */
  readonly labelIndex: 0 | 1;
  /** Number of classes of that label (10, 20 coarse, 100 fine). */
  readonly numClasses: number;
}

/** CIFAR-10 binary: <1 x label><3072 x pixel>. */
export const CIFAR10_LAYOUT: CifarLayout = { labelBytes: 1, labelIndex: 0, numClasses: 10 };
/** CIFAR-100 binary, fine labels: <1 x coarse><1 x fine><3072 x pixel>. */
export const CIFAR100_FINE_LAYOUT: CifarLayout = { labelBytes: 2, labelIndex: 1, numClasses: 100 };
/** CIFAR-100 binary, coarse (superclass) labels. */
export const CIFAR100_COARSE_LAYOUT: CifarLayout = { labelBytes: 2, labelIndex: 0, numClasses: 20 };

/**
 * Reads CIFAR binary files (each a sequence of records: label byte(s), then
 * 1024 red, 1024 green, 1024 blue pixels row by row) into one HWC image set.
 * Throws 'size-mismatch' when a file is not a whole number of records and
 * 'label-out-of-range' for a label outside the layout's classes. `onFile`
 * sees each file's bytes as read (the registry verifies checksums there).
 */
export function readCifarBinaries(files: readonly string[], layout: CifarLayout, onFile?: (bytes: FileBytes) => void): LabeledImages {
  const record = layout.labelBytes + 3 * PIXELS;
  const parts = files.map((file) => {
    const read = readFileBytes(file);
    onFile?.(read);
    const bytes = read.bytes;
    if (bytes.length === 0 || bytes.length % record !== 0) {
      throw new DatasetFormatError(
        file,
        'size-mismatch',
        `${bytes.length} bytes is not a whole number of ${record}-byte records (${layout.labelBytes} label byte(s) + 3072 pixels)`,
      );
    }
    return { file, bytes, count: bytes.length / record };
  });
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(count * 3 * PIXELS);
  const labels = new Int32Array(count);
  let n = 0;
  for (const part of parts) {
    const first = n;
    for (let r = 0; r < part.count; r++, n++) {
      const base = r * record;
      labels[n] = part.bytes[base + layout.labelIndex] ?? 0;
      const src = base + layout.labelBytes;
      const dst = n * 3 * PIXELS;
      for (let p = 0; p < PIXELS; p++) {
        images[dst + 3 * p] = part.bytes[src + p] ?? 0;
        images[dst + 3 * p + 1] = part.bytes[src + PIXELS + p] ?? 0;
        images[dst + 3 * p + 2] = part.bytes[src + 2 * PIXELS + p] ?? 0;
      }
    }
    checkLabelRange(labels.subarray(first, n), layout.numClasses, part.file);
  }
  return { images, labels, count, shape: CIFAR_SHAPE };
}

/**
 * Reads class names from a CIFAR names file (batches.meta.txt,
 * fine_label_names.txt, coarse_label_names.txt: one name per line) when it
 * exists and has exactly `expected` names; otherwise returns `fallback`.
 */
export function readCifarClassNames(dir: string, fileName: string, expected: number, fallback: readonly string[]): readonly string[] {
  const file = join(dir, fileName);
  if (!existsSync(file)) return fallback;
  const names = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return names.length === expected ? names : fallback;
}
