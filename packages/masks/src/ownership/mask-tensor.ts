import { InvalidArgumentError, tf } from '@retain/core';
import type { BitMask } from '../bits/bit-mask.js';

/**
 * The 0/1 float32 tensor of `mask` with `shape` (whose size must equal the
 * mask length), for a masked layer's effective weight `w * m`. The caller
 * owns (and disposes) the tensor.
 */
export function maskToTensor(mask: BitMask, shape: readonly number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== mask.length) throw new InvalidArgumentError('shape', [...shape], `a shape of ${mask.length} elements (the mask length)`);
  return tf.tensor(mask.toFloat32Array(), [...shape], 'float32');
}
