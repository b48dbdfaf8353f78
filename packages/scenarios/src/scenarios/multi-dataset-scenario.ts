import { InvalidArgumentError } from '@retain/core';
import type { ImageDataset, ImageShape } from '../datasets/labeled-images.js';
import { buildExperience, checkCommonOptions, checkSameShape, type CommonScenarioOptions } from './experience-builder.js';
import { fitMap } from './pixel-map.js';
import { indicesOfClasses } from './sample-selection.js';
import type { Scenario, ScenarioKind } from './types.js';

/** Options of {@link multiDatasetScenario}. */
export interface MultiDatasetOptions extends CommonScenarioOptions {
  /** The common input shape every dataset is brought to, e.g. [32, 32, 3]. */
  readonly shape: ImageShape;
  /** 'pad' (default: centre on a zero canvas) or 'resize' (nearest neighbour). Grey is replicated to RGB either way. */
  readonly fit?: 'pad' | 'resize';
  /**
   * 'task-incremental' (default): labels 0..k-1 of each dataset, one head per task.
   * 'class-incremental': global labels (dataset offset + label) over all datasets' classes.
   * 'domain-incremental': labels 0..k-1 of each dataset, one shared head.
   */
  readonly kind?: ScenarioKind;
}

/**
 * A stream of different datasets ("5-datasets" style), one task per dataset,
 * each brought to one input shape per batch (pad or resize, grey to RGB).
 * Global class ids are the datasets' labels offset by the classes before them.
 */
export function multiDatasetScenario(datasets: readonly ImageDataset[], options: MultiDatasetOptions): Scenario {
  checkCommonOptions(options);
  if (datasets.length === 0) throw new InvalidArgumentError('datasets', datasets, 'at least one dataset');
  const kind = options.kind ?? 'task-incremental';
  const fit = options.fit ?? 'pad';
  const total = datasets.reduce((n, d) => n + d.classNames.length, 0);
  const maxClasses = Math.max(...datasets.map((d) => d.classNames.length));
  let offset = 0;
  const classNames: string[] = [];
  const experiences = datasets.map((dataset, t) => {
    checkSameShape(dataset);
    const n = dataset.classNames.length;
    const classes = Array.from({ length: n }, (_, i) => offset + i);
    const s = dataset.train.shape;
    const same = s[0] === options.shape[0] && s[1] === options.shape[1] && s[2] === options.shape[2];
    const pixelMap = same ? undefined : fitMap(s, options.shape, fit);
    const labelMap = kind === 'class-incremental' ? Int32Array.from({ length: n }, (_, i) => offset + i) : undefined;
    classNames.push(...dataset.classNames.map((c) => `${dataset.name}:${c}`));
    offset += n;
    return buildExperience(
      {
        index: t,
        description: `${dataset.name}${pixelMap ? ` (${s.join('x')} -> ${options.shape.join('x')}, ${fit})` : ''}`,
        classes,
        numClasses: kind === 'class-incremental' ? total : kind === 'domain-incremental' ? maxClasses : n,
        train: dataset.train,
        test: dataset.test,
        trainIndices: indicesOfClasses(dataset.train.labels),
        testIndices: indicesOfClasses(dataset.test.labels),
        ...(pixelMap ? { pixelMap } : {}),
        ...(labelMap ? { labelMap } : {}),
      },
      options,
    );
  });
  return {
    name: options.name ?? `multi-${datasets.map((d) => d.name).join('+')}`,
    kind,
    seed: options.seed,
    source: datasets.map((d) => d.source).join('; '),
    experiences,
    classNames,
    inputShape: experiences[0]?.train.inputShape ?? [],
    convention: '',
  };
}
