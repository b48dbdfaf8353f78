import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors/retain-error.js';

/** Copies a tensor's values into a fresh Float32Array (synchronously). */
export function toFloat32Array(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? Float32Array.from(data) : Float32Array.from(data as ArrayLike<number>);
}

/** Copies a tensor's values into a fresh Int32Array (synchronously). */
export function toInt32Array(t: tf.Tensor): Int32Array {
  const data = t.dataSync();
  return data instanceof Int32Array ? Int32Array.from(data) : Int32Array.from(data as ArrayLike<number>);
}

function checkSize(values: ArrayLike<number>, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new InvalidArgumentError('shape', shape, `dimensions whose product is the ${values.length} values given`);
  }
}

/** A float32 tensor over `values` with `shape`, checking that the sizes agree. */
export function fromFloat32Array(values: Float32Array, shape: readonly number[]): tf.Tensor {
  checkSize(values, shape);
  return tf.tensor(values, [...shape], 'float32');
}

/** An int32 tensor over `values` with `shape`, checking that the sizes agree. */
export function fromInt32Array(values: Int32Array, shape: readonly number[]): tf.Tensor {
  checkSize(values, shape);
  return tf.tensor(values, [...shape], 'int32');
}

/**
 * Normalises uint8 pixels to floats in [0, 1] (value / 255) into `out` or a
 * new array: the batch builder of the scenarios avoids a per-sample allocation.
 */
export function uint8ToUnitFloat(pixels: Uint8Array, out: Float32Array = new Float32Array(pixels.length)): Float32Array {
  if (out.length < pixels.length) throw new InvalidArgumentError('out.length', out.length, `at least ${pixels.length}`);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] ?? 0) / 255;
  return out;
}
