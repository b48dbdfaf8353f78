import { basename, join } from 'node:path';
import { InvalidArgumentError } from '@retain/core';
import type { ImageDataset } from '../datasets/labeled-images.js';
import { CIFAR10_LAYOUT, CIFAR100_COARSE_LAYOUT, CIFAR100_FINE_LAYOUT, readCifarBinaries, readCifarClassNames } from '../formats/cifar.js';
import { readFileBytes } from '../formats/file-bytes.js';
import { idxImagesFromBytes, idxLabelsFromBytes, pairIdx } from '../formats/idx.js';
import { readImageFolder } from '../formats/image-folder.js';
import type { KnownDataset } from './known-datasets.js';
import { readVerifiedRecord, verifyFile, type FileVerification, type VerifyMode } from './verification.js';

/** A dataset read by the registry, with where it came from and how its files were identified. */
export interface LoadedDataset extends ImageDataset {
  /** The directory the files were read from. */
  readonly dir: string;
  /** Why that directory: 'dataDir option', 'RETAIN_DATA_DIR', 'user cache', 'system', 'download' or 'embedded'. */
  readonly origin: string;
  /** One entry per file read. */
  readonly verification: readonly FileVerification[];
}

function summarise(verification: readonly FileVerification[]): string {
  const methods = [...new Set(verification.map((v) => v.method))];
  return methods.length === 0 ? 'no checksums' : `files identified by ${methods.join(', ')}`;
}

/**
 * Reads `spec` from `dir`, whose files `found` maps (canonical name -> path),
 * verifying each against its known checksums per `mode`.
 */
export function readKnownDataset(spec: KnownDataset, dir: string, found: ReadonlyMap<string, string>, origin: string, mode: VerifyMode): LoadedDataset {
  const record = readVerifiedRecord(dir);
  const verification: FileVerification[] = [];
  const known = new Map(spec.files.map((f) => [f.name, f]));
  const path = (name: string): string => found.get(name) ?? join(dir, name);
  const read = (name: string) => {
    const bytes = readFileBytes(path(name));
    verification.push(verifyFile(bytes, known.get(name), record, mode));
    return bytes;
  };
  const format = spec.format;
  let dataset: ImageDataset;
  if (format.kind === 'idx') {
    const expectedShape = [spec.shape[0], spec.shape[1]] as const;
    const transpose = format.transpose ?? false;
    const offset = format.labelOffset ?? 0;
    const n = spec.classNames.length;
    const train = pairIdx(idxImagesFromBytes(read(format.trainImages), { expectedShape, transpose }), idxLabelsFromBytes(read(format.trainLabels), offset), n);
    const test = pairIdx(idxImagesFromBytes(read(format.testImages), { expectedShape, transpose }), idxLabelsFromBytes(read(format.testLabels), offset), n);
    dataset = { name: spec.name, classNames: spec.classNames, train, test, source: '', files: verification.map((v) => v.file) };
  } else if (format.kind === 'cifar') {
    const layout = format.labels === 'cifar10' ? CIFAR10_LAYOUT : format.labels === 'fine' ? CIFAR100_FINE_LAYOUT : CIFAR100_COARSE_LAYOUT;
    const onFile = (bytes: ReturnType<typeof readFileBytes>): void => {
      verification.push(verifyFile(bytes, known.get(basename(bytes.file)), record, mode));
    };
    const train = readCifarBinaries(format.train.map(path), layout, onFile);
    const test = readCifarBinaries(format.test.map(path), layout, onFile);
    const classNames = readCifarClassNames(dir, format.namesFile, layout.numClasses, spec.classNames);
    dataset = { name: spec.name, classNames, train, test, source: '', files: verification.map((v) => v.file) };
  } else if (format.kind === 'image-folder') {
    dataset = readImageFolder(dir);
    if (dataset.name !== spec.name) dataset = { ...dataset, name: spec.name };
  } else {
    throw new InvalidArgumentError('format', format, "'idx', 'cifar' or 'image-folder'");
  }
  const source = `${spec.name} from ${dir} (${origin}; ${summarise(verification)})`;
  return { ...dataset, source, dir, origin, verification };
}
