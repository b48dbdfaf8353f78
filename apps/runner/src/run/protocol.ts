import { InvalidArgumentError, createModel, type MaskedNetwork, type ZooName } from '@retain/core';
import { PRESETS as SCENARIO_PRESETS, createScenario, type Scenario, type ScenarioKind } from '@retain/scenarios';
import { ConfigError } from '../config/config-error.js';
import type { RunConfig } from '../config/schema.js';
import { isSubnetworkStrategy } from '../config/strategy-schemas.js';

/**
 * How a run trains and fills the accuracy matrix:
 * - `task-incremental`: task ids in training and test (one head per task);
 * - `task-inference`: a class-incremental benchmark for a sub-network method:
 *   trained on the task-incremental form (task known in training), evaluated
 *   without task id, the task inferred by minimum entropy
 *   (evaluateTaskInference); the matrix also holds task-inference accuracy;
 * - `class-incremental`: one head over all classes, no task id anywhere;
 * - `domain-incremental`: one head, the same label space every task, no task id.
 */
export type EvaluationProtocol = 'task-incremental' | 'task-inference' | 'class-incremental' | 'domain-incremental';

/** The protocol of a config, the scenario kind it reports and the kind the strategy trains on. */
export interface RunProtocol {
  readonly protocol: EvaluationProtocol;
  /** The benchmark's kind, as reported in the results. */
  readonly reportedKind: ScenarioKind;
  /** The kind of the scenario the strategy trains on (and the StrategyContext's scenarioKind). */
  readonly trainKind: ScenarioKind;
}

/** Decides the protocol from the scenario kind and the strategy. */
export function runProtocol(config: RunConfig): RunProtocol {
  const reportedKind = config.scenario.kind ?? SCENARIO_PRESETS[config.scenario.preset].kind;
  if (reportedKind === 'class-incremental' && isSubnetworkStrategy(config.strategy.name)) {
    return { protocol: 'task-inference', reportedKind, trainKind: 'task-incremental' };
  }
  return { protocol: reportedKind, reportedKind, trainKind: reportedKind };
}

/** Input layout for an architecture: flat vectors for the MLP, images for the CNNs. */
export function inputLayout(architecture: ZooName): 'flat' | 'nhwc' {
  return architecture === 'mlp' ? 'flat' : 'nhwc';
}

/**
 * Builds the scenario the strategy trains on (seeded from the config), without
 * a download progress bar. Scenario options the schema cannot judge alone (a
 * task count the preset's classes do not divide into, ...) come back from
 * @retain/scenarios as InvalidArgumentError and are reported as a config error
 * on the scenario section.
 */
export async function buildScenario(config: RunConfig, protocol: RunProtocol): Promise<Scenario> {
  try {
    return await createPresetScenario(config, protocol);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    const prefix = `${error.field}: expected `;
    const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    const split = detail.lastIndexOf(', got ');
    const [expected, got] = split < 0 ? [detail, 'the options above'] : [detail.slice(0, split), detail.slice(split + ', got '.length)];
    throw new ConfigError(config.name, `scenario.${error.field}`, `${expected} (preset ${config.scenario.preset})`, got);
  }
}

async function createPresetScenario(config: RunConfig, protocol: RunProtocol): Promise<Scenario> {
  const s = config.scenario;
  return createScenario(s.preset, {
    seed: config.seed,
    kind: protocol.trainKind,
    layout: inputLayout(config.model.architecture),
    allowEmbedded: s.allowEmbedded,
    download: s.download,
    progressBar: false,
    validationFraction: s.validationFraction,
    ...(s.tasks === undefined ? {} : { tasks: s.tasks }),
    ...(s.samplesPerTask === undefined ? {} : { samplesPerTask: s.samplesPerTask }),
    ...(s.testSamplesPerTask === undefined ? {} : { testSamplesPerTask: s.testSamplesPerTask }),
    ...(s.firstTaskUnpermuted === undefined ? {} : { firstTaskUnpermuted: s.firstTaskUnpermuted }),
    ...(s.classOrder === undefined ? {} : { classOrder: s.classOrder }),
    ...(s.dataDir === undefined ? {} : { dataDir: s.dataDir }),
    ...(s.cacheDir === undefined ? {} : { cacheDir: s.cacheDir }),
    ...(s.systemDirs === undefined ? {} : { systemDirs: s.systemDirs }),
  });
}

/** Whether the scenario's data is the embedded Fashion-MNIST subset (the full data was not found). */
export function usesEmbeddedSubset(scenario: Scenario): boolean {
  return scenario.source.includes('embedded');
}

/**
 * The zoo model of the config for this scenario and protocol: per-task heads
 * (added as tasks arrive) when training is task-incremental, else one head
 * over every class of the scenario. Weights seeded from the config seed.
 */
export function buildModel(config: RunConfig, scenario: Scenario, protocol: RunProtocol): MaskedNetwork {
  const { architecture, ...options } = config.model;
  const multiHead = protocol.trainKind === 'task-incremental';
  const heads = multiHead
    ? { multiHead: true, classesPerTask: [] as number[] }
    : { multiHead: false, numClasses: Math.max(...scenario.experiences.map((e) => e.numClasses)) };
  return createModel(architecture, { ...options, ...heads, inputShape: [...scenario.inputShape], seed: config.seed } as never);
}
