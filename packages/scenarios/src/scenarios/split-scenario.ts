import { InvalidArgumentError, Rng } from '@retain/core';
import type { ImageDataset } from '../datasets/labeled-images.js';
import { buildExperience, checkCommonOptions, checkSameShape, singleDatasetScenario, type CommonScenarioOptions } from './experience-builder.js';
import { indicesOfClasses } from './sample-selection.js';
import type { Scenario, ScenarioKind } from './types.js';

/** Options of {@link splitScenario}. */
export interface SplitOptions extends CommonScenarioOptions {
  /**
   * 'task-incremental' (default): labels remapped to 0..k-1 within each task, one head per task.
   * 'class-incremental': global labels (the dataset's class ids), one head over all classes, no task id at test.
   * 'domain-incremental': labels 0..k-1 within each task, one shared head, no task id at test.
   */
  readonly kind?: ScenarioKind;
  /** Number of tasks; with neither this nor classesPerTask, 5. */
  readonly tasks?: number;
  /** Classes per task: one number for equal tasks, or a size per task (summing to the number of classes used). */
  readonly classesPerTask?: number | readonly number[];
  /**
   * Order classes are dealt to tasks: 'fixed' (default: label order 0, 1, 2, ...), 'shuffled'
   * (seeded, stream 'class-order'), or an explicit list of class ids (which may leave classes out).
   */
  readonly classOrder?: 'fixed' | 'shuffled' | readonly number[];
}

const KINDS: readonly ScenarioKind[] = ['task-incremental', 'class-incremental', 'domain-incremental'];

function classOrder(options: SplitOptions, numClasses: number): number[] {
  const order = options.classOrder ?? 'fixed';
  const all = Array.from({ length: numClasses }, (_, i) => i);
  if (order === 'fixed') return all;
  if (order === 'shuffled') return Rng.fromSeed(options.seed).stream('class-order').shuffle(all);
  const valid = Array.isArray(order) && order.length > 0 && new Set(order).size === order.length && order.every((c) => Number.isInteger(c) && c >= 0 && c < numClasses);
  if (!valid) throw new InvalidArgumentError('classOrder', order, `'fixed', 'shuffled' or distinct class ids in [0, ${numClasses})`);
  return [...order];
}

function taskSizes(options: SplitOptions, used: number): number[] {
  const per = options.classesPerTask;
  if (Array.isArray(per)) {
    if (!per.every((k) => Number.isInteger(k) && k > 0) || per.reduce((a, b) => a + b, 0) !== used) {
      throw new InvalidArgumentError('classesPerTask', per, `positive integers summing to the ${used} classes used`);
    }
    if (options.tasks !== undefined && options.tasks !== per.length) throw new InvalidArgumentError('tasks', options.tasks, `${per.length} (the length of classesPerTask)`);
    return [...per];
  }
  const k = per as number | undefined;
  const tasks = options.tasks ?? (k !== undefined ? used / k : 5);
  const size = k ?? used / tasks;
  if (!Number.isInteger(tasks) || tasks < 1 || !Number.isInteger(size) || size < 1 || tasks * size !== used) {
    throw new InvalidArgumentError('tasks/classesPerTask', [options.tasks, k], `tasks x classesPerTask equal to the ${used} classes used`);
  }
  return Array.from({ length: tasks }, () => size);
}

/**
 * Split scenario: the classes are dealt, in `classOrder`, into tasks of
 * `classesPerTask` classes; each task trains and tests on its classes only.
 * Labels follow `kind` (see {@link SplitOptions.kind}).
 */
export function splitScenario(dataset: ImageDataset, options: SplitOptions): Scenario {
  checkCommonOptions(options);
  checkSameShape(dataset);
  const kind = options.kind ?? 'task-incremental';
  if (!KINDS.includes(kind)) throw new InvalidArgumentError('kind', kind, KINDS.join(', '));
  const numClasses = dataset.classNames.length;
  const order = classOrder(options, numClasses);
  const sizes = taskSizes(options, order.length);
  let next = 0;
  const experiences = sizes.map((k, t) => {
    const classes = order.slice(next, next + k);
    next += k;
    const set = new Set(classes);
    const local = kind !== 'class-incremental';
    let labelMap: Int32Array | undefined;
    if (local) {
      const map = new Int32Array(numClasses).fill(-1);
      classes.forEach((c, i) => (map[c] = i));
      labelMap = map;
    }
    return buildExperience(
      {
        index: t,
        description: `classes ${classes.join(',')}`,
        classes,
        numClasses: local ? Math.max(...sizes) : numClasses,
        train: dataset.train,
        test: dataset.test,
        trainIndices: indicesOfClasses(dataset.train.labels, set),
        testIndices: indicesOfClasses(dataset.test.labels, set),
        ...(labelMap ? { labelMap } : {}),
      },
      options,
    );
  });
  return singleDatasetScenario(options.name ?? `split-${dataset.name}-${sizes.length}`, kind, options.seed, dataset, experiences);
}
