// The public API of @retain/masks.

// Bits: binary masks and dense b-bit code packing.
export { BitMask, maskWordCount } from './bits/bit-mask.js';
export { popcount32, popcountWords } from './bits/popcount.js';
export {
  MAX_CODE_BITS,
  packCodes,
  packedWordCount,
  unpackCodes,
  unpackCodesInto,
  type CodeArray,
  type CodeOutput,
} from './bits/code-packing.js';

// Mask coding: bit-packed or adaptive range-coded.
export {
  DEFAULT_CONTEXT_BITS,
  MASK_HEADER_BYTES,
  MaskCoding,
  decodeMask,
  encodeMask,
  readMaskHeader,
  type EncodeMaskOptions,
  type EncodedMaskHeader,
  type MaskCodingId,
} from './coding/mask-coding.js';
export { COUNT_LIMIT, MAX_CONTEXT_BITS } from './coding/binary-range-coder.js';
export { ClaimCoding, decodeClaim, encodeClaim, type ClaimCodingId, type CodedClaim } from './coding/claim-coding.js';

// Checksums.
export { crc32 } from './checksum/crc32.js';

// Ownership: who holds which bits of which weight slot.
export {
  MAX_TASK_ID,
  OwnershipMap,
  type ParameterTensorSpec,
  type TaskClaim,
  type TensorCapacity,
  type VisibilityMode,
} from './ownership/ownership-map.js';
export { SLOT_BITS } from './ownership/slot-bits.js';
export { maskToTensor } from './ownership/mask-tensor.js';
export {
  CLAIM_CONTEXTS,
  CLAIM_HISTORY_CLAIMS,
  CLAIM_HOLDER_BUCKETS,
  ClaimHistory,
  type ClaimCandidates,
} from './ownership/claim-history.js';

// Sub-network store: model, file format, size accounting.
export {
  SubnetworkStore,
  type JsonValue,
  type NamedTensor,
  type PackedCodes,
  type QuantizedTensor,
  type SubnetworkStoreOptions,
  type TaskRecord,
} from './store/store-model.js';
export { encodeStore, type EncodeStoreOptions } from './store/encode-store.js';
export { decodeStore, type DecodeStoreOptions } from './store/decode-store.js';
export {
  readStoreFile,
  readTaskFromFile,
  writeStoreFile,
  type LoadedClaim,
  type LoadedTask,
  type ReadTaskOptions,
} from './store/store-file.js';
export { STORE_FORMAT_VERSION, STORE_MAGIC, SUPPORTED_STORE_VERSIONS, SectionType, type SectionTypeId } from './store/store-format.js';
export {
  compareWithDense,
  countParameters,
  measureStoreSize,
  type DenseComparison,
  type StoreSizeBreakdown,
} from './store/size-accounting.js';

// Errors.
export {
  CapacityConflictError,
  CodeRangeError,
  MaskCodingError,
  MaskOwnershipError,
  ReleaseBlockedError,
} from './errors/mask-errors.js';
export {
  IN_MEMORY_SOURCE,
  StoreChecksumError,
  StoreCorruptError,
  StoreFormatError,
  StoreMagicError,
  StoreTaskNotFoundError,
  StoreTruncatedError,
  StoreVersionError,
} from './errors/store-errors.js';
