import { InvalidArgumentError } from '@retain/core';
import { DatasetNotFoundError, type LookedIn } from '../errors/dataset-errors.js';
import type { ImageDataset } from '../datasets/labeled-images.js';
import { loadEmbeddedFashionMnist } from '../registry/embedded-subset.js';
import { loadDataset, type LoadDatasetOptions } from '../registry/load-dataset.js';
import type { CommonScenarioOptions } from '../scenarios/experience-builder.js';
import { multiDatasetScenario } from '../scenarios/multi-dataset-scenario.js';
import { permutedScenario, rotatedScenario } from '../scenarios/permuted-scenario.js';
import { splitScenario } from '../scenarios/split-scenario.js';
import type { Scenario, ScenarioKind } from '../scenarios/types.js';
import { PRESET_NAMES, PRESETS, type PresetName } from './preset-catalog.js';

/** Options of {@link createScenario}: the common scenario options, the registry's, and a few per builder. */
export interface CreateScenarioOptions extends CommonScenarioOptions, LoadDatasetOptions {
  /** Number of tasks (default: the preset's; split presets deal the classes evenly into this many). */
  readonly tasks?: number;
  /** Scenario kind (default: the preset's, task-incremental for all). */
  readonly kind?: ScenarioKind;
  /** When the full Fashion-MNIST is nowhere, use the embedded subset and say so in `source` (default true). */
  readonly allowEmbedded?: boolean;
  /** Permuted presets: leave task 0 unpermuted (default false). */
  readonly firstTaskUnpermuted?: boolean;
  /** Rotated presets: the angle of each task in degrees. */
  readonly angles?: readonly number[];
  /** Split presets: 'fixed' (default, label order), 'shuffled' (seeded) or explicit class ids. */
  readonly classOrder?: 'fixed' | 'shuffled' | readonly number[];
}

async function loadPresetData(preset: PresetName, options: CreateScenarioOptions): Promise<ImageDataset[]> {
  const info = PRESETS[preset];
  const loaded: ImageDataset[] = [];
  const missing: DatasetNotFoundError[] = [];
  for (const name of info.datasets) {
    try {
      loaded.push(await loadDataset(name, options));
    } catch (error) {
      if (!(error instanceof DatasetNotFoundError)) throw error;
      if (info.embeddable && name === 'fashion-mnist' && options.allowEmbedded !== false) {
        const embedded = loadEmbeddedFashionMnist();
        const where = error.lookedIn.map((l) => l.location).join(', ');
        loaded.push({ ...embedded, source: `${embedded.source}; the full fashion-mnist was not found (looked in ${where})` });
      } else {
        missing.push(error);
      }
    }
  }
  if (missing.length > 0) {
    const names = missing.map((e) => e.dataset);
    const lookedIn: LookedIn[] = missing.flatMap((e) => e.lookedIn.map((l) => ({ ...l, origin: `${e.dataset}: ${l.origin}` })));
    const how = missing.map((e) => `${e.dataset}: ${e.howToProvide}`).join(' | ');
    const embeddedNote = info.embeddable ? '' : ` (preset '${preset}' has no embedded fallback: it needs the full ${info.datasets.join(', ')})`;
    throw new DatasetNotFoundError(`${names.join(', ')} for preset '${preset}'${embeddedNote}`, lookedIn, how);
  }
  return loaded;
}

/**
 * Builds a standard scenario by preset name (see PRESETS for each paper
 * convention): loads its data through the registry (falling back to the
 * embedded Fashion-MNIST subset where allowed, recorded in `source`) and
 * runs the matching builder. Reproducible bit for bit from `seed`.
 */
export async function createScenario(preset: PresetName, options: CreateScenarioOptions): Promise<Scenario> {
  if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new InvalidArgumentError('preset', preset, `one of ${PRESET_NAMES.join(', ')}`);
  const info = PRESETS[preset];
  const kind = options.kind ?? info.kind;
  if (!info.kinds.includes(kind)) throw new InvalidArgumentError('kind', kind, `one of ${info.kinds.join(', ')} for preset '${preset}'`);
  const tasks = options.tasks ?? info.tasks;
  if (info.builder === 'multi-dataset' && tasks !== info.tasks) throw new InvalidArgumentError('tasks', tasks, `${info.tasks} (one per dataset of '${preset}')`);
  const datasets = await loadPresetData(preset, options);
  const [first] = datasets;
  if (first === undefined) throw new InvalidArgumentError('preset', preset, 'a preset with data');
  const common = { ...options, name: options.name ?? preset, kind } as const;
  let scenario: Scenario;
  switch (info.builder) {
    case 'permuted':
      scenario = permutedScenario(first, { ...common, tasks, kind: kind as 'task-incremental' | 'domain-incremental' });
      break;
    case 'rotated':
      scenario = rotatedScenario(first, { ...common, tasks, kind: kind as 'task-incremental' | 'domain-incremental' });
      break;
    case 'split':
      scenario = splitScenario(first, { ...common, tasks, ...(options.classOrder !== undefined ? { classOrder: options.classOrder } : {}) });
      break;
    case 'multi-dataset':
      scenario = multiDatasetScenario(datasets, { ...common, shape: [32, 32, 3], fit: 'pad' });
      break;
  }
  return { ...scenario, convention: info.convention };
}
