import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors/retain-error.js';

/** The part of tfjs-backend-wasm's backend we use: views of tensors in the wasm heap. */
interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * Calls `read` with the values of float32 tensor `t` and returns its result.
 * On wasm, `read` gets a view of the tensor's memory in the wasm heap, with no
 * copy (dataSync allocates and copies: ~5 ms per MB on a loaded machine); on
 * other backends, dataSync's array. The view is valid only during `read`:
 * `read` must not keep it, write to it, or create or dispose tensors.
 */
export function readFloat32<T>(t: tf.Tensor, read: (values: Float32Array) => T): T {
  if (t.isDisposed) throw new InvalidArgumentError('tensor', 'disposed', 'a live tensor');
  if (t.dtype !== 'float32') throw new InvalidArgumentError('tensor.dtype', t.dtype, "'float32'");
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as WasmHeapBackend;
    return read(backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
  }
  return read(t.dataSync() as Float32Array);
}
