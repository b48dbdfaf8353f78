// The public API of @retain/pruning.
export { LengthMismatchError, NaNValueError, InvalidTrialResultError } from './errors/pruning-errors.js';

// Exact top-k selection over an eligible set (radix select on float bits).
export type { EligibleSet } from './selection/eligible-set.js';
export type { RankBy } from './selection/order-keys.js';
export {
  keepCount,
  selectTopK,
  selectTopFraction,
  selectBySparsity,
  selectTopKAcross,
  selectTopFractionAcross,
  selectBySparsityAcross,
  type SelectTopKOptions,
  type SelectAcrossOptions,
  type RankedLayer,
} from './selection/top-k-mask.js';

// Magnitude pruning (PackNet, Ada-QPacknet).
export {
  magnitudePrune,
  magnitudePruneLayers,
  magnitudePruneGlobal,
  type MagnitudePruneOptions,
  type PrunableLayer,
} from './magnitude/magnitude-prune.js';

// Ada-QPacknet's adaptive sparsity search.
export {
  searchLayerSparsity,
  SPARSITY_SEARCH_DEFAULTS,
  type SparsityTrial,
  type SparsitySearchOptions,
  type SparsityCandidate,
  type SparsitySearchResult,
} from './adaptive/sparsity-search.js';
export { sparsityTerm, searchFitness, type SparsityTermKind, type FitnessWeights } from './adaptive/search-fitness.js';

// WSN: top-c% score selection with a straight-through gradient.
export { topCScoreMask, wsnMaskedWeight, type TopCOptions, type WsnMaskedWeightOptions } from './wsn/top-c-mask.js';

// EsaCL (our reading): sharpness-informed saliency and one-shot pruning.
export {
  sharpnessSaliency,
  squaredGradientCurvature,
  pruneBySaliency,
  pruneBySaliencyGlobal,
  type SaliencyPruneOptions,
  type SaliencyLayer,
} from './esacl/saliency.js';
export {
  samGradient,
  samSaliency,
  DEFAULT_SAM_RHO,
  type LossClosure,
  type SamGradient,
  type SamOptions,
  type SamSaliencyResult,
} from './esacl/sam-saliency.js';
