import type { TensorInfo } from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's backend the native kernels use: outputs, tensor offsets, the heap. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
}

/** Byte offset of tensor `t`'s data in the wasm heap (the native addon's view of it). */
export function heapOffset(backend: WasmHeapBackend, t: TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (entry === undefined) throw new Error('native kernel: a tensor is not in the wasm backend');
  return entry.memoryOffset;
}

/**
 * The wasm heap's ArrayBuffer, read after the kernel's outputs are made (makeOutput
 * may grow the memory and replace the buffer), or undefined when it is shared
 * memory (threaded wasm), which Node-API cannot take.
 */
export function heapBuffer(backend: WasmHeapBackend): ArrayBuffer | undefined {
  const buffer = backend.wasm.HEAPU8.buffer;
  return buffer instanceof ArrayBuffer ? buffer : undefined;
}
