export { tf } from './tf.js';
export { RetainError, InvalidArgumentError } from './errors/retain-error.js';
export {
  BACKEND_CHOICES,
  BackendUnavailableError,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
} from './backend/backend-choice.js';
export { initBackend } from './backend/init-backend.js';
export { registerWasmTrainingKernels } from './backend/kernels/register-training-kernels.js';
export { Rng, type StreamName } from './random/rng.js';
export { initialValues, fans, type InitializerName, type InitializerSpec } from './random/initializers.js';
export { withLeakCheck, withLeakCheckSync, TensorLeakError } from './tensors/leak-check.js';
export {
  toFloat32Array,
  toInt32Array,
  fromFloat32Array,
  fromInt32Array,
  uint8ToUnitFloat,
} from './tensors/typed-arrays.js';
