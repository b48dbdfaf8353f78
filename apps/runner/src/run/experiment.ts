import { mkdir, readFile } from 'node:fs/promises';
import { PRESETS as SCENARIO_PRESETS } from '@retain/scenarios';
import {
  AccuracyMatrix,
  ResourceMonitor,
  buildRunResults,
  writeRunResults,
  type ExperienceInfo,
  type RunResults,
  type RunTiming,
  type ScalarValue,
  type TaskDetails,
} from '@retain/evaluation';
import { writeStoreFile } from '@retain/masks';
import { TrainingAbortedError } from '@retain/strategies';
import type { RunConfig } from '../config/schema.js';
import { QuietView, type ProgressView } from '../progress/progress-view.js';
import { writeCheckpoint } from './checkpoint.js';
import { experienceDetails, runCosts, subnetworkStoreOf } from './costs.js';
import { evaluateRow } from './evaluate-experience.js';
import { usesEmbeddedSubset, type RunProtocol } from './protocol.js';
import { backendLabel, describeEnvironment, runFile, writeJson, writeReports, type RunEnvironment } from './run-dir.js';
import { RunInterruptedError, setUpRun, type RunSetup } from './run-setup.js';

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /** The run directory (created if missing). */
  readonly runDir: string;
  /** Where progress goes (default: nothing). */
  readonly progress?: ProgressView;
  /** Stops training between batches; the run then throws RunInterruptedError with the last checkpoint kept. */
  readonly signal?: AbortSignal;
  /** Continue the run of `runDir` after its last checkpoint (its config.json must be `config`). */
  readonly resume?: boolean;
}

const KIND_SUFFIX = { 'task-incremental': 'til', 'class-incremental': 'cil', 'domain-incremental': 'dil' } as const;

/** The scenario name in results: the preset, suffixed with the kind when it is not the preset's default. */
export function scenarioLabel(config: RunConfig, protocol: RunProtocol): string {
  const preset = config.scenario.preset;
  return protocol.reportedKind === SCENARIO_PRESETS[preset].kind ? preset : `${preset}-${KIND_SUFFIX[protocol.reportedKind]}`;
}

function runOptions(setup: RunSetup): Record<string, ScalarValue> {
  const { config, protocol, scenario } = setup;
  const t = config.training;
  return {
    protocol: protocol.protocol,
    architecture: config.model.architecture,
    hiddenSizes: config.model.hiddenSizes?.join('-') ?? null,
    tasks: scenario.experiences.length,
    samplesPerTask: config.scenario.samplesPerTask ?? null,
    embeddedSubset: usesEmbeddedSubset(scenario),
    epochs: t.epochs ?? null,
    batchSize: t.batchSize ?? null,
    optimizer: t.optimizer?.kind ?? null,
    learningRate: t.optimizer?.learningRate ?? null,
    taskInferenceMode: protocol.protocol === 'task-inference' ? config.evaluation.taskInferenceMode : null,
    taskInferenceScore: protocol.protocol === 'task-inference' ? config.evaluation.taskInferenceScore : null,
  };
}

async function prepareRunDir(setup: RunSetup, runDir: string, resume: boolean): Promise<void> {
  await mkdir(runDir, { recursive: true });
  const { config, backend, scenario, protocol } = setup;
  if (!resume) {
    await writeJson(runFile(runDir, 'config'), config);
    await writeJson(runFile(runDir, 'environment'), describeEnvironment(config, backend, scenario.source, usesEmbeddedSubset(scenario), protocol.protocol));
    return;
  }
  const path = runFile(runDir, 'environment');
  const environment = JSON.parse(await readFile(path, 'utf8')) as RunEnvironment;
  const resumes = [...environment.resumes, { at: new Date().toISOString(), fromExperience: setup.progress?.experiencesDone ?? 0, commandLine: process.argv.slice(1) }];
  await writeJson(path, { ...environment, resumes });
}

/**
 * Runs (or, with `resume`, continues) an experiment: trains the strategy on
 * each experience, fills the accuracy matrix with the run's protocol, and
 * after every experience writes metrics.json and a checkpoint (atomically)
 * and shows the console table; at the end writes store.rtn (strategies with
 * a sub-network store), metrics.csv, report.md and report.html. Seeded from
 * `config.seed`: the same config and backend give the same metrics apart from
 * `timing`, resumed or not.
 */
export async function runExperiment(config: RunConfig, options: RunExperimentOptions): Promise<RunResults> {
  const { runDir } = options;
  const view = options.progress ?? new QuietView();
  const resume = options.resume === true;
  const setup = await setUpRun(config, resume ? { runDir } : undefined);
  const { strategy, scenario, protocol } = setup;
  const monitor = new ResourceMonitor();
  try {
    await prepareRunDir(setup, runDir, resume);
    view.message(`backend ${backendLabel(setup.backend)}; scenario ${scenario.name} (${protocol.protocol}), ${scenario.experiences.length} tasks; data: ${scenario.source}`);
    if (usesEmbeddedSubset(scenario)) view.message('note: the full dataset was not found: this run uses the embedded Fashion-MNIST subset (recorded in environment.json)');
    const experiences: ExperienceInfo[] = scenario.experiences.map((e) => ({ index: e.index, taskId: e.taskId, classes: e.classes }));
    const previous = setup.progress;
    const matrix = previous === undefined ? new AccuracyMatrix(experiences.length) : AccuracyMatrix.fromJSON(previous.matrix, 'matrix', runDir);
    const details: TaskDetails[] = [...(previous?.details ?? [])];
    const run = { strategy: config.strategy.name, scenario: scenarioLabel(config, protocol), scenarioKind: protocol.reportedKind, seed: config.seed, backend: setup.backend.name, options: runOptions(setup) };
    const timing = (): RunTiming => {
      const current = monitor.timing();
      return {
        experiences: [...(previous?.timing ?? []), ...current.experiences],
        totalSeconds: (previous?.elapsedSeconds ?? 0) + current.totalSeconds,
        processPeakRssBytes: current.processPeakRssBytes,
      };
    };
    const results = (): RunResults => buildRunResults({ run, experiences, matrix, details, costs: runCosts(strategy), timing: timing() });
    let done = previous?.experiencesDone ?? 0;
    let last: RunResults | undefined = done > 0 ? results() : undefined;
    for (const experience of scenario.experiences.slice(done)) {
      if (options.signal?.aborted === true) throw new RunInterruptedError(runDir, done);
      view.experienceStarted({ index: experience.index, total: experiences.length, taskId: experience.taskId, description: experience.description });
      monitor.beginExperience(experience.index);
      const report = await strategy.train(experience, {
        scenarioKind: protocol.trainKind,
        seed: config.seed,
        progress: (event) => view.event(event),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      monitor.endTraining(report.phases.reduce((n, p) => n + p.samples, 0));
      await evaluateRow(strategy, scenario.experiences.slice(0, experience.index + 1), experience.index, matrix, config, protocol);
      monitor.endExperience();
      details.push({ experience: experience.index, values: experienceDetails(strategy, experience.taskId) });
      done = experience.index + 1;
      last = results();
      await writeRunResults(runFile(runDir, 'metrics'), last);
      const t = timing();
      await writeCheckpoint(runDir, strategy.state(), { experiencesDone: done, matrix: matrix.toJSON(), details, timing: t.experiences, elapsedSeconds: t.totalSeconds });
      view.experienceEnded(last);
    }
    if (last === undefined) throw new RunInterruptedError(runDir, done);
    const store = subnetworkStoreOf(strategy);
    if (store !== undefined) await writeStoreFile(runFile(runDir, 'store'), store);
    await writeReports(runDir, last);
    return last;
  } catch (error) {
    if (error instanceof TrainingAbortedError) throw new RunInterruptedError(runDir, error.experience); // the aborted experience follows the last checkpointed one
    throw error;
  } finally {
    monitor.dispose();
    strategy.dispose();
  }
}

