import { readFile } from 'node:fs/promises';
import { initBackend, RetainError, type BackendInfo } from '@retain/core';
import type { Scenario } from '@retain/scenarios';
import { JointStrategy, type Strategy } from '@retain/strategies';
import { parseRunConfig } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { createStrategy } from '../registry/strategy-registry.js';
import { readCheckpoint, type RunProgress } from './checkpoint.js';
import { buildModel, buildScenario, runProtocol, type RunProtocol } from './protocol.js';
import { runFile } from './run-dir.js';

/** Everything a run (or a resumed run) needs in memory. */
export interface RunSetup {
  readonly config: RunConfig;
  readonly backend: BackendInfo;
  readonly protocol: RunProtocol;
  readonly scenario: Scenario;
  readonly strategy: Strategy;
  /** The checkpoint's progress when the strategy was restored from one. */
  readonly progress: RunProgress | undefined;
}

/** The run was stopped (Ctrl-C / AbortSignal); the last checkpoint is kept. */
export class RunInterruptedError extends RetainError {
  readonly runDir: string;
  /** Experiences finished (and checkpointed). */
  readonly experiencesDone: number;

  constructor(runDir: string, experiencesDone: number) {
    super('ERR_RUN_INTERRUPTED', `run interrupted after ${experiencesDone} finished experience(s); resume with: retain run --resume ${runDir}`);
    this.runDir = runDir;
    this.experiencesDone = experiencesDone;
  }
}

/** Starts the backend, builds the scenario, the model and the strategy; restores the checkpoint when `restore` is set. */
export async function setUpRun(config: RunConfig, restore: { readonly runDir: string } | undefined): Promise<RunSetup> {
  const backend = await initBackend(config.backend);
  const protocol = runProtocol(config);
  const scenario = await buildScenario(config, protocol);
  const checkpoint = restore === undefined ? undefined : await readCheckpoint(restore.runDir);
  const strategy = createStrategy(config, buildModel(config, scenario, protocol), scenario.experiences.length);
  try {
    if (checkpoint !== undefined) {
      strategy.load(checkpoint.state);
      // Joint keeps the experiences it trained on (their data stay in the scenario): give them back.
      if (strategy instanceof JointStrategy) strategy.rememberExperiences(scenario.experiences.slice(0, checkpoint.progress.experiencesDone));
    }
  } catch (error) {
    strategy.dispose();
    throw error;
  }
  return { config, backend, protocol, scenario, strategy, progress: checkpoint?.progress };
}

/** The validated config.json of a run directory. */
export async function readRunDirConfig(runDir: string): Promise<RunConfig> {
  const path = runFile(runDir, 'config');
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new RetainError('ERR_RUN_DIR', `${path}: cannot read the run's config (${(error as Error).message})`);
  }
  return parseRunConfig(document, path);
}

/**
 * Rebuilds the strategy of a run directory from its last checkpoint (for
 * `retain export` and other readers). The caller disposes the strategy.
 */
export async function loadRunStrategy(runDir: string): Promise<{ strategy: Strategy; config: RunConfig; scenario: Scenario; tasksTrained: number }> {
  const config = await readRunDirConfig(runDir);
  const setup = await setUpRun(config, { runDir });
  return { strategy: setup.strategy, config, scenario: setup.scenario, tasksTrained: setup.progress?.experiencesDone ?? 0 };
}
