/** A named, built-in compare (`retain compare --suite <name>`). */
export interface CompareSuite {
  /** Name given to --suite. */
  readonly name: string;
  /** One line shown in the help. */
  readonly description: string;
  /** Strategies (rows). */
  readonly strategies: readonly string[];
  /** Benchmarks (columns). */
  readonly benchmarks: readonly string[];
  /** Seeds. */
  readonly seeds: readonly number[];
  /** `--set` overrides given to every cell. */
  readonly overrides: readonly string[];
  /** Cells at once (the suite's default; --jobs overrides). */
  readonly jobs: number;
}

/**
 * The built-in suites. `main` is the README's main job: Ada-QPacknet and
 * PackNet on permuted Fashion-MNIST (10 tasks; the embedded subset when the
 * full data is absent), seed 0, both cells at once, sized to finish in under
 * 10 minutes on 2 cores with the whole training set (60,000 images per task):
 * measured 3 min 20 s wall on an idle 2-core AMD EPYC VM (Ada-QPacknet's cell,
 * with its sparsity and bit-width searches, is the longer one).
 */
export const COMPARE_SUITES: Readonly<Record<string, CompareSuite>> = {
  main: {
    name: 'main',
    description: 'Ada-QPacknet and PackNet on permuted Fashion-MNIST (10 tasks, all 60,000 training images per task), seed 0, 2 cells at once',
    strategies: ['ada-qpacknet', 'packnet'],
    benchmarks: ['pfmnist-10'],
    seeds: [0],
    overrides: [],
    jobs: 2,
  },
};
