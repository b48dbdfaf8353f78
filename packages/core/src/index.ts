export { tf } from './tf.js';
export { RetainError, InvalidArgumentError, LengthMismatchError } from './errors/retain-error.js';
export {
  BACKEND_CHOICES,
  BackendUnavailableError,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
} from './backend/backend-choice.js';
export { initBackend, type InitBackendOptions } from './backend/init-backend.js';
export { MAX_WASM_THREADS } from './backend/wasm-threads.js';
export {
  NATIVE_BLAS_MODES,
  MAX_NATIVE_BLAS_THREADS,
  NativeBlasUnavailableError,
  setNativeBlasKernels,
  type NativeBlasMode,
  type NativeBlasStatus,
} from './backend/native-blas/native-blas-kernels.js';
export { registerWasmTrainingKernels } from './backend/kernels/register-training-kernels.js';
export { readFloat32 } from './backend/heap-view.js';
export { adamUpdate, applyAdam, type AdamStep, type AdamUpdated } from './optim/adam-update.js';
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
export { Parameter, type ParameterRole, type ParameterSpec, type ParameterMasks, type WeightTransform } from './layers/parameter.js';
export { ParameterFactory, INIT_SCHEMES, type InitScheme } from './layers/parameter-factory.js';
export { maskedWeightFn, type EffectiveWeightFn, type MaskFacts } from './layers/masked-weight.js';
export { type Layer, type ForwardContext, type Activation } from './layers/layer.js';
export { convOutputLength, type Padding } from './layers/conv-shapes.js';
export { MaskedDense, type DenseOptions } from './layers/dense.js';
export { MaskedConv2d, type Conv2dOptions } from './layers/conv2d.js';
export { TaskBatchNorm, type BatchNormMode, type BatchNormOptions } from './layers/batch-norm.js';
export { Pool2d, GlobalAveragePool, type PoolKind } from './layers/pooling.js';
export { Flatten, Relu, Dropout } from './layers/stateless-layers.js';
export { ResidualBlock, type ResidualBlockOptions } from './layers/residual-block.js';
export { TaskHeads, type TaskHeadsOptions } from './layers/task-heads.js';
export { MaskedNetwork, type MaskedNetworkConfig, type NamedWeights } from './layers/masked-network.js';
export { NetworkBuilder, type HeadsSpec } from './layers/network-builder.js';
export {
  MODEL_DESCRIPTOR_FORMAT,
  MODEL_DESCRIPTOR_VERSION,
  checkModelDescriptor,
  type ModelDescriptor,
  type HeadDescriptor,
  type JsonValue,
} from './layers/model-descriptor.js';
export { UnknownTaskError, UnknownParameterError, DisposedError } from './layers/layer-errors.js';
export {
  ZOO_NAMES,
  createModel,
  createModelFromDescriptor,
  listModels,
  UnknownModelError,
  type ZooName,
  type ZooOptions,
  type ZooModelInfo,
} from './zoo/registry.js';
export type { CommonModelOptions, BatchNormModelOptions, ZooBatchNorm } from './zoo/model-options.js';
export type { MlpOptions } from './zoo/mlp.js';
export type { CnnSmallOptions } from './zoo/cnn-small.js';
export type { AlexNetClOptions } from './zoo/alexnet-cl.js';
export type { ResNet18ReducedOptions, ResNetPooling } from './zoo/resnet18-reduced.js';
export type { TinyNetOptions } from './zoo/tinynet.js';
