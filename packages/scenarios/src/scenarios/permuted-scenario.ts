import { InvalidArgumentError, Rng } from '@retain/core';
import type { ImageDataset } from '../datasets/labeled-images.js';
import { buildExperience, checkCommonOptions, checkSameShape, singleDatasetScenario, type CommonScenarioOptions } from './experience-builder.js';
import { permutationMap, rotationMap } from './pixel-map.js';
import { indicesOfClasses } from './sample-selection.js';
import type { Experience, Scenario, ScenarioKind } from './types.js';

/** Options of {@link permutedScenario}. */
export interface PermutedOptions extends CommonScenarioOptions {
  /** Number of tasks (>= 1). */
  readonly tasks: number;
  /** Leave task 0 unpermuted (default false: every task permuted). */
  readonly firstTaskUnpermuted?: boolean;
  /** 'task-incremental' (default, one head per task) or 'domain-incremental' (one shared head). */
  readonly kind?: Extract<ScenarioKind, 'task-incremental' | 'domain-incremental'>;
}

function checkTasks(tasks: number): void {
  if (!Number.isInteger(tasks) || tasks < 1) throw new InvalidArgumentError('tasks', tasks, 'a positive integer');
}

function checkSharedKind(kind: string | undefined): Extract<ScenarioKind, 'task-incremental' | 'domain-incremental'> {
  if (kind === undefined) return 'task-incremental';
  if (kind !== 'task-incremental' && kind !== 'domain-incremental') {
    throw new InvalidArgumentError('kind', kind, "'task-incremental' or 'domain-incremental' (every task has the same classes)");
  }
  return kind;
}

/**
 * Permuted scenario: task t applies a fixed random pixel permutation (drawn
 * from the seed's stream `permutation/<t>`) to every image; all tasks share
 * the dataset's classes. The permutation is applied while batches are built,
 * so N tasks cost N index maps, not N copies of the data.
 */
export function permutedScenario(dataset: ImageDataset, options: PermutedOptions): Scenario {
  checkCommonOptions(options);
  checkTasks(options.tasks);
  checkSameShape(dataset);
  const kind = checkSharedKind(options.kind);
  const root = Rng.fromSeed(options.seed);
  const classes = dataset.classNames.map((_, i) => i);
  const trainIndices = indicesOfClasses(dataset.train.labels);
  const testIndices = indicesOfClasses(dataset.test.labels);
  const experiences: Experience[] = [];
  for (let t = 0; t < options.tasks; t++) {
    const identity = t === 0 && options.firstTaskUnpermuted === true;
    const pixelMap = identity ? undefined : permutationMap(dataset.train.shape, root.stream(`permutation/${t}`));
    experiences.push(
      buildExperience(
        {
          index: t,
          description: identity ? 'unpermuted' : `permutation ${t}`,
          classes,
          numClasses: classes.length,
          train: dataset.train,
          test: dataset.test,
          trainIndices,
          testIndices,
          ...(pixelMap ? { pixelMap } : {}),
        },
        options,
      ),
    );
  }
  return singleDatasetScenario(options.name ?? `permuted-${dataset.name}-${options.tasks}`, kind, options.seed, dataset, experiences);
}

/** Options of {@link rotatedScenario}. */
export interface RotatedOptions extends CommonScenarioOptions {
  /** Number of tasks (>= 1). */
  readonly tasks: number;
  /** Angle of each task in degrees, counter-clockwise (default: evenly spaced over [0, 180): t x 180 / tasks). */
  readonly angles?: readonly number[];
  /** 'task-incremental' (default) or 'domain-incremental'. */
  readonly kind?: Extract<ScenarioKind, 'task-incremental' | 'domain-incremental'>;
}

/**
 * Rotated scenario: task t rotates every image by a fixed angle (nearest
 * neighbour, zero fill), applied per batch; classes are shared.
 */
export function rotatedScenario(dataset: ImageDataset, options: RotatedOptions): Scenario {
  checkCommonOptions(options);
  checkTasks(options.tasks);
  checkSameShape(dataset);
  const kind = checkSharedKind(options.kind);
  const angles = options.angles ?? Array.from({ length: options.tasks }, (_, t) => (t * 180) / options.tasks);
  if (angles.length !== options.tasks) throw new InvalidArgumentError('angles', angles, `${options.tasks} angles, one per task`);
  const classes = dataset.classNames.map((_, i) => i);
  const trainIndices = indicesOfClasses(dataset.train.labels);
  const testIndices = indicesOfClasses(dataset.test.labels);
  const experiences = angles.map((angle, t) =>
    buildExperience(
      {
        index: t,
        description: `rotation ${angle} deg`,
        classes,
        numClasses: classes.length,
        train: dataset.train,
        test: dataset.test,
        trainIndices,
        testIndices,
        pixelMap: rotationMap(dataset.train.shape, angle),
      },
      options,
    ),
  );
  return singleDatasetScenario(options.name ?? `rotated-${dataset.name}-${options.tasks}`, kind, options.seed, dataset, experiences);
}
