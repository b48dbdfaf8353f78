import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { loadRunConfig } from '../config/load.js';
import { buildScenario, runProtocol } from './protocol.js';

describe('buildScenario', () => {
  it('reports scenario options the preset cannot take as a one-line config error on the scenario section', async () => {
    const config = await loadRunConfig('packnet-sfmnist-5-til', ['scenario.tasks=3']);
    const failure = await buildScenario(config, runProtocol(config)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).field).toBe('scenario.tasks/classesPerTask');
    expect((failure as ConfigError).message).toBe(
      'packnet-sfmnist-5-til: scenario.tasks/classesPerTask: expected tasks x classesPerTask equal to the 10 classes used (preset sfmnist-5), got [3, undefined]',
    );
  });

  it('builds the scenario when the options fit the preset', async () => {
    const config = await loadRunConfig('packnet-sfmnist-5-til', ['scenario.samplesPerTask=20', 'scenario.testSamplesPerTask=20']);
    const scenario = await buildScenario(config, runProtocol(config));
    expect(scenario.experiences).toHaveLength(5);
    expect(scenario.experiences[0]!.train.size).toBe(20);
  });
});
