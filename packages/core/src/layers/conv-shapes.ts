import { InvalidArgumentError } from '../errors/retain-error.js';

/**
 * Convolution padding: `valid` (none), `same` (TensorFlow's: output
 * ceil(in / stride), any odd pixel padded at the bottom/right), or a number p
 * of zero rows/columns on every side (PyTorch's `padding=p`).
 */
export type Padding = 'same' | 'valid' | number;

/** Checks that `value` is a positive integer, naming `field` otherwise. */
export function checkPositiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(field, value, 'a positive integer');
  }
  return value;
}

/** Checks a padding value. */
export function checkPadding(field: string, padding: unknown): Padding {
  if (padding === 'same' || padding === 'valid') return padding;
  if (typeof padding === 'number' && Number.isInteger(padding) && padding >= 0) return padding;
  throw new InvalidArgumentError(field, padding, "'same', 'valid' or a non-negative integer");
}

/**
 * Output length of a convolution or pooling window along one axis:
 * valid floor((n - k) / s) + 1, same ceil(n / s), p: floor((n + 2p - k) / s) + 1.
 * Throws when the input is too small to give at least one output.
 */
export function convOutputLength(field: string, inputLength: number, kernel: number, stride: number, padding: Padding): number {
  let out: number;
  if (padding === 'same') out = Math.ceil(inputLength / stride);
  else {
    const padded = inputLength + 2 * (padding === 'valid' ? 0 : padding);
    out = padded < kernel ? 0 : Math.floor((padded - kernel) / stride) + 1;
  }
  if (out < 1) {
    throw new InvalidArgumentError(field, inputLength, `an input length that a ${kernel}-wide window with stride ${stride} and padding ${String(padding)} fits`);
  }
  return out;
}

/** Checks a per-sample NHWC image shape [height, width, channels]. */
export function checkImageShape(field: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidArgumentError(field, shape, 'a per-sample image shape [height, width, channels] of positive integers');
  }
  return [shape[0] ?? 0, shape[1] ?? 0, shape[2] ?? 0];
}
