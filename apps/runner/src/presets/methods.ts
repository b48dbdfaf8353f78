import type { RunConfigInput } from '../config/schema.js';
import type { StrategyName } from '../config/strategy-schemas.js';
import type { BenchmarkPreset } from './benchmarks.js';

/** What a method adds to a benchmark's config. */
export interface MethodPreset {
  readonly strategy: RunConfigInput['strategy'];
  /** Merged over the benchmark's model section. */
  readonly model?: Partial<RunConfigInput['model']>;
  /** Merged over the benchmark's training section. */
  readonly training?: NonNullable<RunConfigInput['training']>;
}

/**
 * Each method's settings on a benchmark. Paper values unless marked ours:
 * - PackNet: equal shares of every layer per task (`'equal'`, ours: the
 *   paper's fixed 50 % / 75 % leave the last of 10 tasks almost nothing),
 *   retraining as many epochs as training (ours).
 * - WSN: capacity c = 0.5 (within the paper's sweep), a bias-free network (the paper's).
 * - Ada-QPacknet: the paper's searches (sparsity in [0.4, 0.7], population 2;
 *   bit width from 6 bits while the drop is < 2 points), k-means, dynamic
 *   pruning; 1 trial epoch per candidate (ours; the code spends ~30).
 * - BLIP: plain SGD at the benchmark's BLIP lr; 2,000 Fisher samples on the
 *   CPU benchmarks (ours, for time; the paper's ~8,000 at paper scale).
 * - EsaCL: 75 % of each task's free weights pruned (ours; the abstract gives
 *   no value), SAM rho 0.05 (SAM's), IDS 10 % (ours).
 * - The baselines (Naive, Joint, EWC, online EWC, SI, LwF, Replay) keep the
 *   defaults of @retain/strategies (their papers' values, see its README).
 */
export function methodPreset(strategy: StrategyName, benchmark: BenchmarkPreset): MethodPreset {
  switch (strategy) {
    case 'packnet':
      return { strategy: { name: 'packnet', options: { pruneFraction: 'equal', retrainEpochs: benchmark.training.epochs ?? 1 } } };
    case 'wsn':
      return { strategy: { name: 'wsn', options: { capacity: 0.5 } }, model: { bias: false } };
    case 'ada-qpacknet':
      return {
        strategy: {
          name: 'ada-qpacknet',
          options: { quantization: 'kmeans', bits: 'search', sparsity: 'search', sparsitySearch: { trialEpochs: 1 }, pruning: 'dynamic' },
        },
        training: { weightDecay: 1e-3, weightDecayMode: 'l2' },
      };
    case 'blip':
      return {
        strategy: { name: 'blip', options: benchmark.paperScale ? {} : { fisherSamples: 2000 } },
        training: { optimizer: { kind: 'sgd', learningRate: benchmark.blipLearningRate } },
      };
    case 'esacl':
      return { strategy: { name: 'esacl', options: { sparsity: 0.75, samRho: 0.05, ids: { fraction: 0.1 } } } };
    default:
      return { strategy: { name: strategy, options: {} } };
  }
}
