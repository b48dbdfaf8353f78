// The public API of @retain/quantization.
export {
  BitWidthError,
  ClusterCountError,
  EmptyInputError,
  EvaluationResultError,
  KmeansMemoryError,
  LengthMismatchError,
  NonFiniteValueError,
  QuantizationOptionError,
} from './errors/quantization-errors.js';
export {
  computeLinearParams,
  quantizeLinear,
  dequantizeLinear,
  maxLinearCode,
  type LinearParamsOptions,
  type LinearQuantizationParams,
} from './linear/linear-quantization.js';
export {
  kmeansOptimal1d,
  DEFAULT_MAX_TABLE_BYTES,
  type KmeansOptimalOptions,
  type KmeansOptimalStrategy,
} from './kmeans/kmeans-optimal.js';
export {
  kmeansLloyd1d,
  DEFAULT_LLOYD_ITERATIONS,
  type KmeansLloydOptions,
  type KmeansLloydResult,
} from './kmeans/kmeans-lloyd.js';
export type { KmeansResult } from './kmeans/kmeans-result.js';
export {
  searchBitWidth,
  DEFAULT_START_BITS,
  DEFAULT_MIN_BITS,
  DEFAULT_MAX_DROP,
  type BitWidthSearchOptions,
  type BitWidthSearchResult,
  type BitWidthTrial,
} from './search/bit-width-search.js';
export {
  quantizeWeights,
  dequantize,
  dequantizeInto,
  dequantizeCodes,
  maxCode,
  type QuantizationMethod,
  type QuantizeWeightsOptions,
  type QuantizedTensor,
  type LinearQuantizedTensor,
  type KmeansQuantizedTensor,
} from './tensor/quantize-weights.js';
export { maskToIndices } from './validation/argument-checks.js';
