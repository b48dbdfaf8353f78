// The public API of @retain/strategies.

// Framework: the Strategy interface, plugins, progress, state machines, checkpoints.
export type {
  Strategy,
  StrategyContext,
  StrategyState,
  TrainReport,
  PhaseReport,
} from './framework/strategy.js';
export { STRATEGY_STATE_FORMAT, STRATEGY_STATE_VERSION } from './framework/strategy.js';
export type {
  Awaitable,
  BatchSegment,
  BatchSlot,
  EpochMetrics,
  EvalInfo,
  EvalResult,
  GradientSlot,
  LossEvent,
  SegmentOutput,
  StrategyPlugin,
  TrainingBatch,
  TrainingInfo,
} from './framework/plugin.js';
export { ThroughputMeter, type ProgressEvent, type ProgressPosition, type ProgressSink } from './framework/progress.js';
export { PhaseMachine, type PhaseTransitions } from './framework/phase-machine.js';
export { InvalidTransitionError, StrategyStateError, StrategyUsageError, TrainingAbortedError } from './framework/strategy-errors.js';
export { maskLogits } from './framework/class-mask.js';
export { BaseStrategy, type BaseStrategyOptions, type ClassMasking } from './framework/base-strategy.js';
export type { ExperienceRun } from './framework/experience-run.js';
export { checkStateHeader, collectPrefixed, requireBlob, requireTensor, type StateParts } from './framework/state-codec.js';
export { NaiveStrategy } from './framework/naive-strategy.js';
export { MaskStrategy } from './framework/mask-strategy.js';
export { NestedMaskStrategy } from './framework/nested-mask-strategy.js';

// PackNet (Mallya and Lazebnik, 2018).
export { PackNetStrategy, PACKNET_DEFAULT_PRUNE_FRACTION, packNetEqualShares, type PackNetOptions } from './packnet/packnet-strategy.js';
export { packNetMachine, type PackNetAction, type PackNetPhase } from './packnet/packnet-phases.js';

// WSN, Winning SubNetworks (Kang et al., 2022).
export { WsnStrategy, WSN_DEFAULT_CAPACITY, WSN_PMNIST_TRAINING, type WsnOptions } from './wsn/wsn-strategy.js';
export { wsnMachine, type WsnAction, type WsnPhase } from './wsn/wsn-phases.js';

// Training: the shared loop and its parts.
export { runTrainingPhase, type PhaseSpec } from './training/train-loop.js';
export { gradientStep, segmentOutputs, type DecayScope, type StepSpec } from './training/gradient-step.js';
export { ManagedOptimizer, checkOptimizerConfig, type OptimizerConfig } from './training/optimizer.js';
export { LrScheduler, checkLrSchedule, type LrDecision, type LrScheduleConfig } from './training/lr-schedule.js';
export { EarlyStopper, checkEarlyStopping, type EarlyStoppingConfig } from './training/early-stopping.js';
export { DEFAULT_TRAINING, resolveTrainingConfig, type TrainingConfig, type WeightDecayMode } from './training/training-config.js';
export { splitTrainingData, type TrainingData } from './training/training-data.js';
export { crossEntropy, countCorrect, TRAINING_MASK_VALUE } from './training/loss.js';
export { evaluateSplit, validationMetrics, DEFAULT_EVAL_BATCH_SIZE, type LogitsFn } from './training/evaluate.js';
export { evaluateExperiences, type EvaluateOptions } from './training/evaluate-strategy.js';

// Ada-QPacknet (Pietroń, Żurek, Faber, Corizzo, ECAI 2023).
export { AdaQPacknetStrategy } from './ada-qpacknet/ada-qpacknet-strategy.js';
export {
  ADA_QPACKNET_HOLDOUT,
  ADA_QPACKNET_TRAINING,
  resolveAdaQPacknetOptions,
  type AdaQPacknetBitSearch,
  type AdaQPacknetOptions,
  type AdaQPacknetSettings,
  type AdaQPacknetSparsitySearch,
} from './ada-qpacknet/ada-qpacknet-options.js';
export { adaQPacknetMachine, type AdaQPacknetAction, type AdaQPacknetPhase } from './ada-qpacknet/ada-qpacknet-phases.js';
export type {
  AdaQPacknetLayerReport,
  AdaQPacknetTaskReport,
  AdaQPacknetTrainReport,
  BitTrialReport,
  SparsityTrialReport,
  StoredBytesReport,
} from './ada-qpacknet/task-report.js';
export { candidateSlots, holdersPerSlot, slotBitmaps, summarizeCapacity, type CapacitySummary } from './ada-qpacknet/slot-capacity.js';
export { entryBits, quantizeSlots, restoreValues, type SlotQuantization, type StoredWeights } from './ada-qpacknet/quantized-record.js';
export { assembleWeights, type OwnedValues } from './ada-qpacknet/effective-weights.js';
export { pruneToBase } from './ada-qpacknet/prune-to-base.js';
export { buildSubnetworkStore, floatEquivalentStore, type FrozenTaskRecord } from './ada-qpacknet/subnetwork-store.js';
export { heldOutData, type HeldOutData, type HoldoutOptions } from './ada-qpacknet/held-out-data.js';
export { quantizeTask, type KernelToQuantize, type QuantizeTaskSpec, type QuantizedTask } from './ada-qpacknet/task-quantization.js';

// BLIP (Shi, Yuan, Chen, Feng, CVPR 2021): bit-level information preserving.
export { BlipStrategy, BLIP_FISHER_PRIOR, BLIP_FISHER_SAMPLES, type BlipOptions, type BlipTaskReport } from './blip/blip-strategy.js';
export {
  BLIP_MODEL_MAGIC,
  BLIP_MODEL_VERSION,
  BlipModelCodecError,
  bitCountWidth,
  decodeBlipModel,
  encodeBlipModel,
  type BlipFloatTensor,
  type BlipModelParts,
  type BlipQuantizedTensor,
  type BlipStoredBytes,
} from './blip/blip-model-codec.js';
export {
  BLIP_BITS_LIMIT,
  BLIP_BOUND_SCALE,
  BLIP_MAX_BITS,
  blipBound,
  checkMaxBits,
  clipToWindow,
  clipWindow,
  freezeMoreBits,
  gridStep,
  informationGain,
  quantizeToPrecision,
  updateRunningFisher,
  type BitUpdate,
  type ClipWindow,
} from './blip/fixed-point.js';

// EsaCL (Ren, Honavar, 2024; our reading of the abstract): SAM, IDS, sharpness-informed one-shot pruning.
export { EsaclStrategy, type EsaclTaskReport } from './esacl/esacl-strategy.js';
export { ESACL_DEFAULT_SPARSITY, resolveEsaclSettings, type EsaclIdsOptions, type EsaclOptions, type EsaclSettings, type IdsScope } from './esacl/esacl-options.js';
export { esaclMachine, type EsaclAction, type EsaclPhase } from './esacl/esacl-phases.js';
export { samTrainingPlugin, type SamTrainingOptions } from './esacl/sam-plugin.js';
export { INSTANCE_CRITERIA, instanceScores, selectInstances, type InstanceCriterion } from './esacl/instance-scores.js';
export { oneShotKeepMasks, type EsaclPruning, type PruneLayer, type PruneScope } from './esacl/one-shot-prune.js';

// Class-incremental inference for sub-network methods: the task by the lowest score (default minimum entropy).
export { TASK_INFERENCE_MODES, chooseTasks, rowArgmax, softmaxEntropies, type TaskInferenceMode } from './task-inference/entropy-choice.js';
export { TASK_INFERENCE_SCORES, checkTaskInferenceScore, taskScores, type TaskInferenceScore } from './task-inference/task-scores.js';
export {
  DEFAULT_TASK_INFERENCE_SCORE,
  checkTaskInference,
  combineTaskOutputs,
  inferTaskAndPredict,
  taskOutputs,
  type TaskClasses,
  type TaskConditionalPredictor,
  type TaskInference,
  type TaskInferenceOptions,
  type TaskOutputs,
} from './task-inference/infer-task.js';
export {
  evaluateTaskInference,
  evaluateTaskInferenceScores,
  type TaskInferenceComparisonOptions,
  type TaskInferenceEvaluation,
  type TaskInferenceEvaluationOptions,
  type TaskInferenceResult,
} from './task-inference/evaluate-task-inference.js';

// Baselines: Joint, EWC, online EWC, SI, LwF, Replay (strategies, plugins and their pure parts).
export { WeightLayoutMismatchError, BaselinePhaseError, BaselineStateError } from './baselines/errors/baseline-errors.js';
export type { NamedArrays } from './baselines/named-arrays.js';
export { consolidatedParameters } from './baselines/consolidated-parameters.js';
export { PluginStrategy, type CheckpointedPlugin } from './baselines/plugin-strategy.js';
export {
  estimateDiagonalFisher,
  EmptyFisherDataError,
  type DiagonalFisherEstimate,
  type DiagonalFisherOptions,
  type FisherDataBatch,
  type FisherKind,
} from './baselines/fisher/estimate-fisher.js';
export { onlineFisherUpdate } from './baselines/fisher/online-fisher.js';
export { sampleCategorical } from './baselines/fisher/categorical-sampling.js';
export { quadraticPenalty, quadraticPenaltyValue, type QuadraticTerm } from './baselines/ewc/quadratic-penalty.js';
export {
  EwcPlugin,
  EWC_DEFAULT_LAMBDA,
  EWC_DEFAULT_FISHER_SAMPLES,
  ONLINE_EWC_DEFAULT_GAMMA,
  type EwcOptions,
} from './baselines/ewc/ewc-plugin.js';
export { EwcStrategy, OnlineEwcStrategy, type EwcStrategyOptions } from './baselines/ewc/ewc-strategy.js';
export { PathIntegralImportance, SI_DEFAULT_DAMPING } from './baselines/si/path-integral.js';
export { SiPlugin, SI_DEFAULT_STRENGTH, type SiOptions } from './baselines/si/si-plugin.js';
export { SiStrategy, SI_TRAINING_DEFAULTS, type SiStrategyOptions } from './baselines/si/si-strategy.js';
export { distillationLoss, distillationLossValue, LWF_DEFAULT_TEMPERATURE } from './baselines/lwf/distillation-loss.js';
export { LwfPlugin, LWF_DEFAULT_LAMBDA, LWF_WARMUP_PHASE, type LwfOptions } from './baselines/lwf/lwf-plugin.js';
export { LwfStrategy, type LwfStrategyOptions } from './baselines/lwf/lwf-strategy.js';
export { ReservoirBuffer, type ReservoirBufferState, type ReservoirSample } from './baselines/replay/reservoir-buffer.js';
export { appendMemory } from './baselines/replay/replay-batch.js';
export { ReplayPlugin, REPLAY_DEFAULT_CAPACITY, type ReplayOptions } from './baselines/replay/replay-plugin.js';
export { ReplayStrategy, REPLAY_TRAINING_DEFAULTS, type ReplayStrategyOptions } from './baselines/replay/replay-strategy.js';
export { jointTrainingData, type JointPart } from './baselines/joint/joint-training-data.js';
export { JointStrategy, type JointStrategyOptions } from './baselines/joint/joint-strategy.js';

// Export: a task's network as plain arrays (what `retain export` writes as a standalone model).
export { taskNetworkWeights } from './export/strategy-task-weights.js';
export { readTaskNetwork, effectiveValues, type TaskToRead } from './export/read-task-network.js';
export { UnsupportedExportError } from './export/export-errors.js';
export type {
  BatchNormWeights,
  Conv2dWeights,
  DenseWeights,
  Pool2dWeights,
  ResidualWeights,
  StatelessLayerSpec,
  TaskLayerWeights,
  TaskNetworkWeights,
} from './export/task-network-weights.js';

// Sub-network stores of the float mask strategies (PackNet, EsaCL, WSN): claimed weights as float32, own masks, heads.
export { floatSubnetworkStore, floatTaskRecords, type FloatStoreSource } from './framework/float-subnetwork-store.js';
