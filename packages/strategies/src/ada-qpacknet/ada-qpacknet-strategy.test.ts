import { createModel, initBackend, tf, withLeakCheck } from '@retain/core';
import { decodeStore, encodeStore, measureStoreSize, packedWordCount, SLOT_BITS } from '@retain/masks';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError, StrategyStateError, StrategyUsageError, TrainingAbortedError } from '../framework/strategy-errors.js';
import { evaluateExperiences } from '../training/evaluate-strategy.js';
import { bitIdentical, testLogits, trainCheckingEarlierLogits } from '../testing/logit-snapshots.js';
import { permutedExperiences, readFashionMnist } from '../testing/test-experiences.js';
import { AdaQPacknetStrategy } from './ada-qpacknet-strategy.js';
import { assembleWeights } from './effective-weights.js';
import { restoreValues } from './quantized-record.js';
import { slotBitmaps } from './slot-capacity.js';
import { headKernels } from './head-quantization.js';
import { floatEquivalentStore } from './subnetwork-store.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TI = { scenarioKind: 'task-incremental' as const, seed: 5 };
const KERNELS = ['dense1/kernel', 'dense2/kernel'];

function net(seed = 1) {
  return createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [32, 32], seed });
}

describe('AdaQPacknetStrategy', () => {
  it('zero forgetting: earlier tasks\' test logits stay bit-identical while later tasks train (searches on, slots shared, quantised heads); no tensor leaks', async () => {
    const experiences = permutedExperiences(readFashionMnist(1000), 3, { train: 600, test: 200, validation: 200, seed: 7 });
    await withLeakCheck(async () => {
      const strategy = new AdaQPacknetStrategy(net(), { quantizeHeads: true, sparsitySearch: { trialEpochs: 1 }, training: { epochs: 2, batchSize: 32 } });
      const changed = await trainCheckingEarlierLogits(strategy, experiences, TI, (report, e) => {
        const r = report.adaQPacknet;
        expect(r.taskId).toBe(e.taskId);
        expect(r.sparsitySearch).toHaveLength(2);
        expect(r.bitSearch?.[0]?.bits).toBe(6);
        expect(r.bits).toBeGreaterThanOrEqual(1);
        expect(r.bits).toBeLessThanOrEqual(6);
        for (const name of KERNELS) {
          const layer = r.layers[name];
          expect(layer?.sparsity).toBeGreaterThanOrEqual(0.4);
          expect(layer?.sparsity).toBeLessThanOrEqual(0.7);
          expect(layer?.kept).toBe(Math.round((1 - (layer?.sparsity ?? 0)) * (layer?.candidates ?? 0)));
        }
        expect(r.heldOut).toEqual({ source: 'validation', samples: 200 });
      });
      expect(changed).toEqual([]);
      const reports = strategy.taskReports();
      // Later tasks store codes in slots earlier tasks hold codes in: several tasks' codes per 32-bit slot.
      expect(reports[2]!.capacity.sharedSlots).toBeGreaterThan(0);
      expect(reports[1]!.layers['dense1/kernel']!.sharedWithEarlier).toBeGreaterThan(0);
      for (const name of KERNELS) slotBitmaps(strategy.ownership, name); // throws if two tasks' bit ranges overlap
      // Each task's head kernel is stored as codes at the task's width (the head bias as float32).
      const store = decodeStore(encodeStore(strategy.subnetworkStore()));
      for (const [t, r] of reports.entries()) {
        const head = headKernels(strategy.network, t)[0]!;
        const entry = store.task(t + 1).quantization.get(head.name);
        expect(entry?.scheme).toBe('codebook');
        expect(entry?.scheme === 'codebook' ? entry.codes.bits : 0).toBe(r.bits);
        expect(store.task(t + 1).heads.map((h) => h.name)).toEqual([head.name.replace(/kernel$/, 'bias')]);
      }
      const acc = await evaluateExperiences(strategy, experiences, { scenarioKind: 'task-incremental' });
      // A tiny training budget (600 samples, 2 epochs): well above chance (0.1), not converged.
      for (const a of acc) expect(a.accuracy).toBeGreaterThan(0.3);
      strategy.dispose();
    });
  });

  it('4-bit k-means stays within 1 point of the float sub-network; the store holds 4-bit codes, at least 8x smaller than float values', async () => {
    const experiences = permutedExperiences(readFashionMnist(2400), 2, { train: 1200, test: 200, validation: 1000, seed: 8 });
    const wide = createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes: [64, 64], seed: 2 });
    const strategy = new AdaQPacknetStrategy(wide, { bits: 4, quantization: 'kmeans', sparsity: 0.5, pruning: 'post', training: { epochs: 3, batchSize: 32 } });
    for (const e of experiences) {
      const { adaQPacknet: r } = await strategy.train(e, TI);
      expect(r.bits).toBe(4);
      expect(r.bitSearch).toBeUndefined();
      // Held-out accuracy (1,000 validation samples) of the 4-bit sub-network: at most 1 point below the float one.
      expect(r.accuracy.float - r.accuracy.quantized).toBeLessThanOrEqual(0.01);
      expect(r.accuracy.float).toBeGreaterThan(0.7);
    }
    const store = strategy.subnetworkStore();
    const size = measureStoreSize(encodeStore(store));
    // Codes: exactly ceil(kept x 4 / 32) words per task and kernel.
    let expectedCodeBytes = 0;
    let keptWeights = 0;
    for (const id of store.taskIds()) {
      for (const name of KERNELS) {
        const n = store.ownership.claimOf(id, name)?.slots.popcount() ?? 0;
        keptWeights += n;
        expectedCodeBytes += 4 * packedWordCount(n, 4);
      }
    }
    expect(size.codes).toBe(expectedCodeBytes);
    expect(size.codebooks).toBe(2 * KERNELS.length * 16 * 4);
    // Against the float sub-networks (same slots, float32 values): the kept weights' payload shrinks 32/4 = 8x.
    const floatSize = measureStoreSize(encodeStore(floatEquivalentStore(store)));
    expect(floatSize.codes).toBe(keptWeights * 4);
    expect(floatSize.totalBytes).toBe(strategy.taskReports()[1]!.storedBytes.floatSubnetworks);
    expect(floatSize.codes / size.codes).toBeGreaterThanOrEqual((SLOT_BITS / 4) * 0.999);
    // Everything else is the same but the codebooks and the entries' framing (a few bytes each).
    expect(floatSize.totalBytes - size.totalBytes).toBeGreaterThanOrEqual(floatSize.codes - size.codes - size.codebooks - 16 * store.taskIds().length * KERNELS.length);
    // And the store is far smaller than one dense float32 model.
    expect(size.totalBytes).toBeLessThan(0.35 * strategy.taskReports()[1]!.storedBytes.denseModel);
    strategy.dispose();
  });

  it('the decoded store file restores exactly the weights inference uses, with several tasks\' codes per slot', async () => {
    const experiences = permutedExperiences(readFashionMnist(600), 3, { train: 400, test: 100, validation: 100, seed: 9 });
    const strategy = new AdaQPacknetStrategy(net(3), { bits: 5, sparsity: 0.6, training: { epochs: 1, batchSize: 50 } });
    for (const e of experiences) await strategy.train(e, TI);
    const store = decodeStore(encodeStore(strategy.subnetworkStore()));
    const used = store.ownership.bitsUsed('dense1/kernel');
    expect(Math.max(...used)).toBe(15); // a slot with all three tasks' 5-bit codes
    for (const e of experiences) {
      const ownerId = e.taskId + 1;
      const x = tf.zeros([1, 784]);
      strategy.predict(x, e.taskId).dispose();
      x.dispose();
      for (const name of KERNELS) {
        const owned = store.taskIds().flatMap((id) => {
          const claim = store.ownership.claimOf(id, name);
          const entry = store.task(id).quantization.get(name);
          return claim === undefined || entry === undefined ? [] : [{ ownerId: id, slots: claim.slots, values: restoreValues(entry, claim.slots) }];
        });
        const expected = assembleWeights(name === 'dense1/kernel' ? 784 * 32 : 32 * 32, owned, ownerId);
        const effective = strategy.network.parameter(name).effective().dataSync() as Float32Array;
        expect(bitIdentical(effective, expected)).toBe(true);
      }
    }
    strategy.dispose();
  });

  it('quantizeHeads: a smaller store; a network restored only from the decoded store reproduces predict(x, t); state()/load() round-trip', async () => {
    const experiences = permutedExperiences(readFashionMnist(600), 2, { train: 400, test: 100, validation: 100, seed: 12 });
    const options = { bits: 4, sparsity: 0.5, training: { epochs: 1, batchSize: 50 } };
    await withLeakCheck(async () => {
      const plain = new AdaQPacknetStrategy(net(7), options);
      const strategy = new AdaQPacknetStrategy(net(7), { ...options, quantizeHeads: true });
      for (const e of experiences) {
        await plain.train(e, TI);
        const { adaQPacknet: r } = await strategy.train(e, TI);
        expect(r.bits).toBe(4);
      }
      const bytes = encodeStore(strategy.subnetworkStore());
      const plainBytes = encodeStore(plain.subnetworkStore());
      // Per task, a 32 x 10 head kernel: 1,280 float32 bytes against 160 bytes of 4-bit codes and a 64-byte codebook (plus a claim).
      expect(plainBytes.length - bytes.length).toBeGreaterThan(2 * 900);
      const store = decodeStore(bytes);
      const fresh = net(99);
      for (const e of experiences) fresh.addHead(e.taskId, 10);
      for (const t of store.shared) fresh.parameter(t.name).write(t.values);
      for (const e of experiences) {
        const ownerId = e.taskId + 1;
        const record = store.task(ownerId);
        for (const name of KERNELS) {
          const owned = store.taskIds().flatMap((id) => {
            const claim = store.ownership.claimOf(id, name);
            const entry = store.task(id).quantization.get(name);
            return claim === undefined || entry === undefined ? [] : [{ ownerId: id, slots: claim.slots, values: restoreValues(entry, claim.slots) }];
          });
          fresh.parameter(name).write(assembleWeights(fresh.parameter(name).size, owned, ownerId));
        }
        for (const p of fresh.parameters().values()) {
          if (p.taskId !== e.taskId) continue;
          const entry = record.quantization.get(p.name);
          const claim = entry === undefined ? undefined : store.ownership.claimOf(ownerId, p.name);
          if (entry !== undefined && claim !== undefined) {
            expect(claim.slots.popcount()).toBe(p.size);
            p.write(restoreValues(entry, claim.slots));
          } else p.write(record.heads.find((h) => h.name === p.name)!.values);
        }
        const { x, y } = e.test.batches({ batchSize: 100 }).next().value!;
        const [a, b] = [fresh.apply(x, { taskId: e.taskId, training: false }), strategy.predict(x, e.taskId)];
        expect(bitIdentical(a.dataSync() as Float32Array, b.dataSync() as Float32Array)).toBe(true);
        tf.dispose([x, y, a, b]);
      }
      const restored = new AdaQPacknetStrategy(net(98), { ...options, quantizeHeads: true });
      restored.load(strategy.state());
      for (const e of experiences) expect(bitIdentical(testLogits(restored, e), testLogits(strategy, e))).toBe(true);
      const again = decodeStore(encodeStore(restored.subnetworkStore()));
      // (The architecture differs only by the model seed.)
      for (const id of [1, 2]) expect(again.task(id)).toEqual(store.task(id));
      expect(again.tensors).toEqual(store.tensors);
      for (const t of store.tensors) expect(again.ownership.bitsUsed(t.name)).toEqual(store.ownership.bitsUsed(t.name));
      for (const s of [plain, strategy, restored]) s.dispose();
      fresh.dispose();
    });
  });

  it('linear quantisation, prune-then-retrain, untouched slots only, training hold-out; state()/load() round-trip', async () => {
    const experiences = permutedExperiences(readFashionMnist(700), 2, { train: 600, test: 100, seed: 10 });
    const options = { quantization: 'linear' as const, pruning: 'post' as const, reuseSlots: false, sparsity: { 'dense1/kernel': 0.5, 'dense2/kernel': 0.4 }, bitSearch: { startBits: 8, minBits: 6 }, training: { epochs: 2, batchSize: 50 } };
    await withLeakCheck(async () => {
      const strategy = new AdaQPacknetStrategy(net(4), options);
      for (const e of experiences) {
        const { adaQPacknet: r, phases } = await strategy.train(e, TI);
        expect(phases.map((p) => p.phase)).toEqual(['train', 'retrain']);
        expect(r.heldOut).toEqual({ source: 'training-holdout', samples: 60 });
        const tried = r.bitSearch?.map((t) => t.bits) ?? [];
        expect([8, 7, 6].slice(0, tried.length)).toEqual(tried);
        expect(r.bits).toBe(tried.length === 3 && r.bitSearch?.[2]?.accepted === true ? 6 : r.bits);
        expect(r.layers['dense1/kernel']!.sharedWithEarlier).toBe(0);
        expect(r.quantization).toBe('linear');
      }
      // No slot holds two tasks' codes.
      expect(strategy.taskReports()[1]!.capacity.sharedSlots).toBe(0);
      const state = strategy.state();
      const restored = new AdaQPacknetStrategy(net(99), options);
      restored.load(state);
      for (const e of experiences) expect(bitIdentical(testLogits(restored, e), testLogits(strategy, e))).toBe(true);
      expect(restored.taskReports()).toEqual(strategy.taskReports());
      const [a, b] = [restored, strategy].map((s) => decodeStore(encodeStore(s.subnetworkStore())));
      for (const id of [1, 2]) expect(a!.task(id)).toEqual(b!.task(id));
      for (const name of KERNELS) expect(a!.ownership.bitsUsed(name)).toEqual(b!.ownership.bitsUsed(name));
      expect(a!.shared).toEqual(b!.shared);
      const broken = { ...state, blobs: { ...state.blobs, 'ada-qpacknet/store': state.blobs['ada-qpacknet/store']!.slice(0, 100) } };
      const fresh = new AdaQPacknetStrategy(net(5), options);
      expect(() => fresh.load(broken)).toThrow(StrategyStateError);
      fresh.dispose();
      strategy.dispose();
      restored.dispose();
    });
  });

  it('refuses out-of-order steps and bad options; recovers from an abort by abandoning the task', async () => {
    const experiences = permutedExperiences(readFashionMnist(300), 2, { train: 200, test: 50, validation: 50, seed: 11 });
    await withLeakCheck(() => {
      // Refused options throw InvalidArgumentError and dispose the network handed over.
      expect(() => new AdaQPacknetStrategy(net(), { bits: 17 })).toThrow(/bits/);
      expect(() => new AdaQPacknetStrategy(net(), { sparsity: 1 })).toThrow(/sparsity/);
      expect(() => new AdaQPacknetStrategy(net(), { sparsity: { 'dense1/kernel': 0.5 } })).toThrow(/dense2\/kernel/);
      expect(() => new AdaQPacknetStrategy(net(), { quantization: 'fp8' as 'linear' })).toThrow(/quantization/);
      expect(() => new AdaQPacknetStrategy(net(), { holdout: { fraction: 1 } })).toThrow(/holdout.fraction/);
      expect(() => new AdaQPacknetStrategy(net(), { quantizeHeads: 'yes' as unknown as boolean })).toThrow(/quantizeHeads/);
    });
    const strategy = new AdaQPacknetStrategy(net(6), { bits: 4, sparsity: 0.5, training: { epochs: 1, batchSize: 50 } });
    expect(() => strategy.abandonTask()).toThrow(InvalidTransitionError);
    await expect(strategy.train(experiences[0]!, { scenarioKind: 'class-incremental' })).rejects.toThrow(StrategyUsageError);
    const s2 = new AdaQPacknetStrategy(net(6), { bits: 4, sparsity: 0.5, training: { epochs: 1, batchSize: 50 } });
    const controller = new AbortController();
    controller.abort('user');
    await expect(s2.train(experiences[0]!, { ...TI, signal: controller.signal })).rejects.toThrow(TrainingAbortedError);
    expect(s2.phase).toBe('training');
    expect(() => s2.state()).toThrow(InvalidTransitionError);
    s2.abandonTask();
    expect(s2.phase).toBe('idle');
    await s2.train(experiences[0]!, TI);
    await expect(s2.train(experiences[0]!, TI)).rejects.toThrow(/trained and frozen already/);
    const x = tf.zeros([1, 784]);
    expect(() => s2.predict(x, 1)).toThrow(/has not been trained/);
    x.dispose();
    strategy.dispose();
    s2.dispose();
  });
});
