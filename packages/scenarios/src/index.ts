// The public API of @retain/scenarios.

// Errors
export {
  DatasetFormatError,
  DatasetNotFoundError,
  ChecksumMismatchError,
  DownloadError,
  type DatasetProblem,
  type LookedIn,
} from './errors/dataset-errors.js';

// Datasets as typed arrays
export {
  datasetFromArrays,
  validateLabeledImages,
  imageSize,
  type ArraysSplit,
  type ImageDataset,
  type ImageShape,
  type LabeledImages,
  type PixelArray,
} from './datasets/labeled-images.js';
export {
  CIFAR10_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  EMNIST_SPLIT_CLASSES,
  FASHION_MNIST_CLASSES,
  KMNIST_CLASSES,
  MNIST_CLASSES,
} from './datasets/class-names.js';

// File formats
export { readFileBytes, isGzip, type FileBytes } from './formats/file-bytes.js';
export {
  parseIdx,
  readIdxImages,
  readIdxLabels,
  idxImagesFromBytes,
  idxLabelsFromBytes,
  pairIdx,
  transposeImages,
  type IdxArray,
  type IdxImageOptions,
  type IdxImages,
  type IdxLabels,
} from './formats/idx.js';
export { encodeIdx } from './formats/idx-writer.js';
export {
  readCifarBinaries,
  readCifarClassNames,
  CIFAR_SHAPE,
  CIFAR10_LAYOUT,
  CIFAR100_FINE_LAYOUT,
  CIFAR100_COARSE_LAYOUT,
  type CifarLayout,
} from './formats/cifar.js';
export { parseNpy, encodeNpy, type NpyArray, type NpyDtype } from './formats/npy.js';
export {
  readImageFolder,
  writeImageFolder,
  isImageFolder,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  type ImageFolderManifest,
  type ManifestSplit,
} from './formats/image-folder.js';

// Registry, cache, download, embedded subset
export { KNOWN_DATASETS, EMNIST_SPLITS, type KnownDataset, type KnownFile, type DownloadSpec, type DatasetFormat } from './registry/known-datasets.js';
export { loadDataset, knownDataset, type LoadDatasetOptions } from './registry/load-dataset.js';
export type { LoadedDataset } from './registry/read-known-dataset.js';
export { defaultCacheDir } from './registry/data-locations.js';
export { downloadVerified, type DownloadOptions, type DownloadProgress } from './registry/download.js';
export { VERIFIED_RECORD_FILE, type FileVerification, type VerificationMethod, type VerifyMode } from './registry/verification.js';
export {
  loadEmbeddedFashionMnist,
  readEmbeddedSubsetRecord,
  EMBEDDED_SUBSET_DIR,
  type EmbeddedSubsetRecord,
} from './registry/embedded-subset.js';

// Scenarios
export type {
  ArrayBatch,
  Batch,
  BatchOptions,
  DataSplit,
  Experience,
  InputLayout,
  Scenario,
  ScenarioKind,
} from './scenarios/types.js';
export { permutationMap, rotationMap, fitMap, composeMaps, type PixelMap } from './scenarios/pixel-map.js';
export { SampleSplit, type SampleSplitSpec } from './scenarios/sample-split.js';
export { stratifiedSubset, stratifiedSplit, indicesOfClasses } from './scenarios/sample-selection.js';
export type { CommonScenarioOptions } from './scenarios/experience-builder.js';
export { permutedScenario, rotatedScenario, type PermutedOptions, type RotatedOptions } from './scenarios/permuted-scenario.js';
export { splitScenario, type SplitOptions } from './scenarios/split-scenario.js';
export { multiDatasetScenario, type MultiDatasetOptions } from './scenarios/multi-dataset-scenario.js';

// Presets
export { createScenario, type CreateScenarioOptions } from './presets/create-scenario.js';
export { PRESETS, PRESET_NAMES, type PresetInfo, type PresetName } from './presets/preset-catalog.js';
