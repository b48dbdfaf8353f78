import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChecksumMismatchError } from '../errors/dataset-errors.js';
import { FASHION_MNIST_CLASSES } from '../datasets/class-names.js';
import { readFileBytes } from '../formats/file-bytes.js';
import { idxImagesFromBytes, idxLabelsFromBytes, pairIdx } from '../formats/idx.js';
import type { LoadedDataset } from './read-known-dataset.js';

/**
 * The directory of the embedded Fashion-MNIST subset, resolved from this
 * module's URL so it works from src (tests) and from dist (built, packed):
 * both sit two levels below the package root, next to data/.
 */
export const EMBEDDED_SUBSET_DIR = fileURLToPath(new URL('../../data/fashion-mnist-subset/', import.meta.url));

/** What data/fashion-mnist-subset/subset.json records about the subset. */
export interface EmbeddedSubsetRecord {
  /** The seed the subset was drawn with. */
  readonly seed: number;
  /** Images per class in train and test. */
  readonly perClass: { readonly train: number; readonly test: number };
  /** Indices into the full Fashion-MNIST train and test sets, in the subset's order. */
  readonly indices: { readonly train: readonly number[]; readonly test: readonly number[] };
  /** SHA-256 of each subset file. */
  readonly sha256: Readonly<Record<string, string>>;
  /** The full files it was drawn from, with their content SHA-256. */
  readonly drawnFrom: Readonly<Record<string, string>>;
}

/** Reads subset.json of the embedded subset. */
export function readEmbeddedSubsetRecord(): EmbeddedSubsetRecord {
  return JSON.parse(readFileSync(`${EMBEDDED_SUBSET_DIR}subset.json`, 'utf8')) as EmbeddedSubsetRecord;
}

/**
 * Loads the embedded, class-balanced Fashion-MNIST subset shipped with this
 * package (MIT, Zalando Research; see data/fashion-mnist-subset/NOTICE.md),
 * checking each file's SHA-256 against subset.json.
 */
export function loadEmbeddedFashionMnist(): LoadedDataset {
  const record = readEmbeddedSubsetRecord();
  const read = (name: string) => {
    const bytes = readFileBytes(`${EMBEDDED_SUBSET_DIR}${name}`);
    const expected = record.sha256[name];
    if (expected !== bytes.fileSha256) throw new ChecksumMismatchError(bytes.file, expected ?? '(not recorded in subset.json)', bytes.fileSha256);
    return bytes;
  };
  const shape = [28, 28] as const;
  const train = pairIdx(
    idxImagesFromBytes(read('train-images-idx3-ubyte.gz'), { expectedShape: shape }),
    idxLabelsFromBytes(read('train-labels-idx1-ubyte.gz')),
    10,
  );
  const test = pairIdx(
    idxImagesFromBytes(read('t10k-images-idx3-ubyte.gz'), { expectedShape: shape }),
    idxLabelsFromBytes(read('t10k-labels-idx1-ubyte.gz')),
    10,
  );
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(
    (n) => `${EMBEDDED_SUBSET_DIR}${n}`,
  );
  return {
    name: 'fashion-mnist',
    classNames: FASHION_MNIST_CLASSES,
    train,
    test,
    source: `embedded fashion-mnist subset (${train.count} train / ${test.count} test, class-balanced, seed ${record.seed}; ${EMBEDDED_SUBSET_DIR})`,
    files,
    dir: EMBEDDED_SUBSET_DIR,
    origin: 'embedded',
    verification: files.map((file) => ({ file, method: 'sha256' as const })),
  };
}
