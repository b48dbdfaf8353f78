import { InvalidArgumentError } from '@retain/core';
import { DatasetFormatError } from '../errors/dataset-errors.js';

/** Pixels of many images: uint8 (0..255, scaled by 1/255 when batched) or float32 (used as given). */
export type PixelArray = Uint8Array | Float32Array;

/** The shape of one image: [height, width, channels]. */
export type ImageShape = readonly [height: number, width: number, channels: number];

/**
 * A set of labelled images held as flat typed arrays (no tensors): image `i`
 * occupies `images[i*H*W*C .. (i+1)*H*W*C)` in height-width-channel order.
 */
export interface LabeledImages {
  /** All pixels, image after image, each in HWC order. */
  readonly images: PixelArray;
  /** One class label per image, in [0, number of classes). */
  readonly labels: Int32Array;
  /** Number of images. */
  readonly count: number;
  /** Shape of one image. */
  readonly shape: ImageShape;
}

/** A dataset with its standard train/test split, as read from disk or built in memory. */
export interface ImageDataset {
  /** Registry name or the name a user gave, e.g. 'fashion-mnist'. */
  readonly name: string;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  /** The training images. */
  readonly train: LabeledImages;
  /** The test images. */
  readonly test: LabeledImages;
  /** Human-readable description of the data actually used (dataset and where it came from). */
  readonly source: string;
  /** The files read, in order (empty for data built in memory). */
  readonly files: readonly string[];
}

/** Number of values in one image of `shape`. */
export function imageSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * Checks a labelled image set: pixel count agrees with count x shape, one
 * label per image, every label in [0, numClasses), float pixels finite.
 * `file` names the source in the {@link DatasetFormatError} it throws.
 */
export function validateLabeledImages(set: LabeledImages, numClasses: number, file: string): void {
  const [h, w, c] = set.shape;
  if (![h, w, c].every((d) => Number.isInteger(d) && d > 0)) {
    throw new DatasetFormatError(file, 'shape-mismatch', `image shape must be three positive integers, got [${set.shape.join(', ')}]`);
  }
  if (set.images.length !== set.count * h * w * c) {
    throw new DatasetFormatError(
      file,
      'size-mismatch',
      `${set.count} images of ${h}x${w}x${c} need ${set.count * h * w * c} values, found ${set.images.length}`,
    );
  }
  if (set.labels.length !== set.count) {
    throw new DatasetFormatError(file, 'count-mismatch', `${set.count} images but ${set.labels.length} labels`);
  }
  checkLabelRange(set.labels, numClasses, file);
  if (set.images instanceof Float32Array) checkFinite(set.images, imageSize(set.shape), file);
}

/** Throws 'label-out-of-range' naming the first label outside [0, numClasses). */
export function checkLabelRange(labels: Int32Array, numClasses: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] ?? 0;
    if (label < 0 || label >= numClasses) {
      throw new DatasetFormatError(file, 'label-out-of-range', `label ${label} at index ${i} is outside [0, ${numClasses})`);
    }
  }
}

/** Throws 'non-finite-value' naming the first NaN or infinite value (as image and offset). */
export function checkFinite(values: Float32Array, perImage: number, file: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (!Number.isFinite(v)) {
      const image = Math.floor(i / perImage);
      throw new DatasetFormatError(file, 'non-finite-value', `value ${v} in image ${image} at offset ${i - image * perImage}`);
    }
  }
}

/** The arrays a user gives {@link datasetFromArrays} for one split. */
export interface ArraysSplit {
  /** Pixels, image after image in HWC order: uint8 (0..255) or float32 (used as given). */
  readonly images: PixelArray;
  /** Labels in [0, classNames.length); any integer array. */
  readonly labels: ArrayLike<number>;
  /** [height, width, channels]. */
  readonly shape: ImageShape;
}

/**
 * Builds an {@link ImageDataset} from a user's in-memory typed arrays, with
 * the same checks as the file readers (sizes, label range, NaN). The arrays
 * are shared, not copied (labels are copied into an Int32Array if needed).
 */
export function datasetFromArrays(spec: {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly train: ArraysSplit;
  readonly test: ArraysSplit;
}): ImageDataset {
  if (spec.classNames.length < 1) throw new InvalidArgumentError('classNames', spec.classNames, 'at least one class name');
  const split = (s: ArraysSplit, which: string): LabeledImages => {
    const labels = s.labels instanceof Int32Array ? s.labels : Int32Array.from(s.labels);
    const size = s.shape[0] * s.shape[1] * s.shape[2];
    const set: LabeledImages = { images: s.images, labels, count: size > 0 ? Math.floor(s.images.length / size) : 0, shape: s.shape };
    validateLabeledImages(set, spec.classNames.length, `${spec.name}:${which} (in memory)`);
    return set;
  };
  return {
    name: spec.name,
    classNames: [...spec.classNames],
    train: split(spec.train, 'train'),
    test: split(spec.test, 'test'),
    source: `${spec.name} (arrays given in memory)`,
    files: [],
  };
}
