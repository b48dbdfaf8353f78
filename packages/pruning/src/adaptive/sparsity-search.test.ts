import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Rng } from '@retain/core';
import { searchLayerSparsity, SPARSITY_SEARCH_DEFAULTS, type SparsitySearchOptions, type SparsityTrial } from './sparsity-search.js';
import { sparsityTerm, searchFitness } from './search-fitness.js';
import { InvalidTrialResultError } from '../errors/pruning-errors.js';

const layers = { conv: 1_000, fc1: 8_000, fc2: 1_000 };
const targets: Record<string, number> = { conv: 0.45, fc1: 0.62, fc2: 0.5 };

/** Accuracy peaks (at 1) where each layer's sparsity equals its target; a known smooth function. */
const smoothTrial: SparsityTrial = async (keep) => {
  let loss = 0;
  for (const [name, k] of Object.entries(keep)) loss += (1 - k - targets[name]!) ** 2;
  return Math.max(0, 1 - 10 * loss);
};

/** The fitness optimum of smoothTrial: d/ds [0.8 (1 - 10 sum (s - t)^2) + 0.2 sum(n s)/N] = 0. */
function optimum(name: string): number {
  const total = Object.values(layers).reduce((a, b) => a + b, 0);
  return targets[name]! + (0.2 * layers[name as keyof typeof layers]) / total / 16;
}

describe('searchLayerSparsity', () => {
  it("with the paper's defaults: 2 sampled candidates in [0.4, 0.7], the fitter one chosen", async () => {
    const seen: Record<string, number>[] = [];
    const result = await searchLayerSparsity(
      async (keep) => {
        seen.push(keep);
        return smoothTrial(keep);
      },
      { layers, rng: Rng.fromSeed(1).stream('search') },
    );
    expect(result.log).toHaveLength(2);
    expect(seen).toHaveLength(2);
    for (const entry of result.log) {
      expect(entry.generation).toBe(0);
      expect(entry.origin).toBe('sampled');
      expect(entry.parent).toBeUndefined();
      expect(Object.keys(entry.sparsities).sort()).toEqual(['conv', 'fc1', 'fc2']);
      for (const name of Object.keys(layers)) {
        expect(entry.sparsities[name]).toBeGreaterThanOrEqual(0.4);
        expect(entry.sparsities[name]).toBeLessThan(0.7);
        expect(entry.keepFractions[name]).toBe(1 - entry.sparsities[name]!);
      }
      expect(entry.keepFractions).toEqual(seen[entry.index]);
      expect(entry.accuracy).toBe(await smoothTrial(seen[entry.index]!));
      const term = (1_000 * entry.sparsities.conv! + 8_000 * entry.sparsities.fc1! + 1_000 * entry.sparsities.fc2!) / 10_000;
      expect(entry.sparsityTerm).toBeCloseTo(term, 12);
      expect(entry.fitness).toBeCloseTo(0.8 * entry.accuracy + 0.2 * term, 12);
    }
    const best = result.log.reduce((a, b) => (b.fitness > a.fitness ? b : a));
    expect(result.bestIndex).toBe(best.index);
    expect(result.fitness).toBe(best.fitness);
    expect(result.accuracy).toBe(best.accuracy);
    expect(result.keepFractions).toEqual(best.keepFractions);
    expect(result.sparsities).toEqual(best.sparsities);
  });

  it('finds the better region: accuracy is best where no layer prunes more than 55 %', async () => {
    // A plateau at 0.95 inside the region, falling off linearly outside it; a random candidate
    // lands inside with probability (0.15 / 0.3)^3 = 1/8.
    const cliff: SparsityTrial = async (keep) =>
      Math.max(0, 0.95 - 2 * Object.values(keep).reduce((sum, k) => sum + Math.max(0, 1 - k - 0.55), 0));
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = await searchLayerSparsity(cliff, { layers, rng: Rng.fromSeed(seed), populationSize: 4, generations: 10 });
      expect(result.log).toHaveLength(40);
      // The pick sits at the region's edge (the sparsity term pulls outward, the accuracy falls
      // off 8x faster than the term grows there) ...
      expect(result.accuracy).toBeGreaterThan(0.94);
      for (const s of Object.values(result.sparsities)) expect(s).toBeLessThan(0.555);
      // ... and beats every candidate of the first, random generation.
      const firstGeneration = result.log.filter((e) => e.generation === 0);
      expect(result.fitness).toBeGreaterThanOrEqual(Math.max(...firstGeneration.map((e) => e.fitness)));
      expect(result.accuracy).toBeGreaterThan(firstGeneration.reduce((sum, e) => sum + e.accuracy, 0) / firstGeneration.length);
    }
  });

  it('converges near the analytic optimum of a smooth function, improving with generations', async () => {
    const rng = () => Rng.fromSeed(11).stream('search');
    const one = await searchLayerSparsity(smoothTrial, { layers, rng: rng(), populationSize: 4, generations: 1 });
    const many = await searchLayerSparsity(smoothTrial, { layers, rng: rng(), populationSize: 4, generations: 40 });
    // Same seed: the first generation is identical, and the best is kept, so more generations never lose.
    expect(many.log.slice(0, 4)).toEqual(one.log);
    expect(many.fitness).toBeGreaterThan(one.fitness);
    for (const name of Object.keys(layers)) expect(Math.abs(many.sparsities[name]! - optimum(name))).toBeLessThan(0.03);
    // Best-so-far fitness never drops, generation after generation.
    let bestSoFar = -Infinity;
    for (const entry of many.log) {
      bestSoFar = Math.max(bestSoFar, entry.fitness);
      if (entry.origin === 'mutated') expect(many.log[entry.parent!]!.fitness).toBeLessThanOrEqual(bestSoFar);
    }
    expect(many.fitness).toBe(bestSoFar);
  });

  it('mutated candidates descend from the best so far and stay in range', async () => {
    const result = await searchLayerSparsity(smoothTrial, {
      layers,
      rng: Rng.fromSeed(5),
      populationSize: 3,
      generations: 4,
      sparsityRange: [0.2, 0.9],
      mutationScale: 0.5,
    });
    expect(result.log.map((e) => [e.generation, e.candidate])).toEqual(
      [0, 1, 2, 3].flatMap((g) => [0, 1, 2].map((c) => [g, c])),
    );
    for (const entry of result.log) {
      expect(entry.index).toBe(result.log.indexOf(entry));
      for (const s of Object.values(entry.sparsities)) expect(s >= 0.2 && s <= 0.9).toBe(true);
      if (entry.generation === 0) continue;
      expect(entry.origin).toBe('mutated');
      const earlier = result.log.slice(0, entry.generation * 3);
      const bestEarlier = earlier.reduce((a, b) => (b.fitness > a.fitness ? b : a));
      expect(entry.parent).toBe(bestEarlier.index);
    }
  });

  it('is deterministic with the seed, whatever the layer order', async () => {
    const run = (seed: number, ls: Record<string, number>) =>
      searchLayerSparsity(smoothTrial, { layers: ls, rng: Rng.fromSeed(seed), populationSize: 3, generations: 3 });
    const a = await run(42, layers);
    const b = await run(42, { fc2: 1_000, fc1: 8_000, conv: 1_000 });
    expect(b).toEqual(a);
    const c = await run(43, layers);
    expect(c.log[0]!.sparsities).not.toEqual(a.log[0]!.sparsities);
  });

  it('reports each candidate through onCandidate, in trial order', async () => {
    const seen: number[] = [];
    const result = await searchLayerSparsity(smoothTrial, {
      layers,
      rng: Rng.fromSeed(9),
      generations: 2,
      onCandidate: (entry) => seen.push(entry.index),
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(result.log).toHaveLength(4);
  });

  it('uses the layer-mean sparsity term and custom weights when asked', async () => {
    const result = await searchLayerSparsity(async () => 0.5, {
      layers,
      rng: Rng.fromSeed(2),
      sparsityTerm: 'layer-mean',
      accuracyWeight: 0.5,
      sparsityWeight: 0.5,
    });
    for (const e of result.log) {
      const mean = (e.sparsities.conv! + e.sparsities.fc1! + e.sparsities.fc2!) / 3;
      expect(e.sparsityTerm).toBeCloseTo(mean, 12);
      expect(e.fitness).toBeCloseTo(0.25 + 0.5 * mean, 12);
    }
  });

  it('rejects a trial result that is not an accuracy in [0, 1]', async () => {
    for (const bad of [1.5, -0.1, NaN, '0.5' as unknown as number]) {
      const error = await searchLayerSparsity(async () => bad, { layers, rng: Rng.fromSeed(1) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidTrialResultError);
      expect((error as InvalidTrialResultError).generation).toBe(0);
      expect((error as InvalidTrialResultError).candidate).toBe(0);
      expect((error as InvalidTrialResultError).code).toBe('ERR_INVALID_TRIAL_RESULT');
    }
  });

  it('rejects invalid options before running any trial', async () => {
    let trials = 0;
    const trial: SparsityTrial = async () => {
      trials++;
      return 0.5;
    };
    const rng = Rng.fromSeed(1);
    const bad: SparsitySearchOptions[] = [
      { layers: {}, rng },
      { layers: { a: -1 }, rng },
      { layers: { a: 1.5 }, rng },
      { layers, rng, sparsityRange: [0.7, 0.4] as const },
      { layers, rng, sparsityRange: [0, 1.2] as const },
      { layers, rng, populationSize: 0 },
      { layers, rng, generations: 1.5 },
      { layers, rng, accuracyWeight: -1 },
      { layers, rng, mutationScale: NaN },
      { layers, rng, sparsityTerm: 'median' as never },
      { layers: { a: 0 }, rng },
    ];
    for (const options of bad) await expect(searchLayerSparsity(trial, options)).rejects.toThrow(InvalidArgumentError);
    expect(trials).toBe(0);
  });

  it('documents the defaults', () => {
    expect(SPARSITY_SEARCH_DEFAULTS).toEqual({
      sparsityRange: [0.4, 0.7],
      populationSize: 2,
      generations: 1,
      accuracyWeight: 0.8,
      sparsityWeight: 0.2,
      sparsityTerm: 'parameter-weighted',
      mutationScale: 0.1,
    });
  });
});

describe('sparsityTerm and searchFitness', () => {
  it('worked examples', () => {
    const sizes = { a: 300, b: 100 };
    expect(sparsityTerm({ a: 0.4, b: 0.8 }, sizes, 'parameter-weighted')).toBeCloseTo((0.4 * 300 + 0.8 * 100) / 400, 15);
    expect(sparsityTerm({ a: 0.4, b: 0.8 }, sizes, 'layer-mean')).toBeCloseTo(0.6, 15);
    expect(searchFitness(0.9, 0.5, { accuracy: 0.8, sparsity: 0.2 })).toBeCloseTo(0.82, 15);
    expect(() => sparsityTerm({ a: 0.4 }, sizes, 'layer-mean')).toThrow(/sparsities\.b/);
  });
});
