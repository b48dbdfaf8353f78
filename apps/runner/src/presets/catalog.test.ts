import { describe, expect, it } from 'vitest';
import { presetListing } from '../cli/presets-command.js';
import { parseRunConfig } from '../config/load.js';
import { STRATEGY_NAMES } from '../config/strategy-schemas.js';
import { BENCHMARKS } from './benchmarks.js';
import { PRESET_NAMES, PRESETS } from './catalog.js';

describe('presets', () => {
  it('has every strategy on every benchmark, named <strategy>-<benchmark>', () => {
    expect(PRESET_NAMES).toHaveLength(STRATEGY_NAMES.length * BENCHMARKS.length);
    for (const benchmark of ['pfmnist-10', 'sfmnist-5-til', 'sfmnist-5-cil', 'pmnist-10', 'scifar100-10', '5-datasets']) {
      for (const strategy of STRATEGY_NAMES) expect(PRESETS[`${strategy}-${benchmark}`]?.config.strategy.name).toBe(strategy);
    }
    expect(PRESETS['ada-qpacknet-pfmnist-10']?.paperScale).toBe(false);
    expect(PRESETS['packnet-scifar100-10']?.config.model.architecture).toBe('alexnet-cl');
    expect(PRESETS['wsn-5-datasets']?.config.model.architecture).toBe('resnet18-reduced');
  });

  it('validates every preset', () => {
    for (const name of PRESET_NAMES) {
      const config = parseRunConfig(PRESETS[name]?.config, name);
      expect(config.name).toBe(name);
    }
  });

  it('keeps the MLP 784-100-100 of the WSN / Ada-QPacknet papers on pfmnist-10, bias-free for WSN', () => {
    expect(parseRunConfig(PRESETS['ada-qpacknet-pfmnist-10']?.config, 'x').model).toEqual({ architecture: 'mlp', hiddenSizes: [100, 100] });
    expect(parseRunConfig(PRESETS['wsn-pfmnist-10']?.config, 'x').model).toEqual({ architecture: 'mlp', hiddenSizes: [100, 100], bias: false });
    expect(parseRunConfig(PRESETS['packnet-sfmnist-5-cil']?.config, 'x').scenario.kind).toBe('class-incremental');
  });

  it('lists every preset with its description, CPU scale first', () => {
    const listing = presetListing();
    for (const name of PRESET_NAMES) expect(listing).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(listing.indexOf('naive-pfmnist-10')).toBeLessThan(listing.indexOf('Paper scale'));
    expect(listing.indexOf('naive-pmnist-10')).toBeGreaterThan(listing.indexOf('Paper scale'));
  });
});
