// Test support (excluded from the build): a realistic store and a way to compare stores.
import { Rng } from '@retain/core';
import { BitMask } from '../bits/bit-mask.js';
import { packCodes } from '../bits/code-packing.js';
import { SubnetworkStore } from '../store/store-model.js';

function randomPick(rng: Rng, candidates: BitMask, fraction: number): BitMask {
  const out = BitMask.empty(candidates.length);
  candidates.forEachSet((i) => {
    if (rng.nextFloat() < fraction) out.set(i, true);
  });
  return out;
}

function randomValues(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.nextNormal());
}

/**
 * Three tasks on a small MLP: task 1 stores float32 weights (PackNet), task 2
 * 4-bit k-means codes sharing slots with task 1 (Ada-QPacknet) and a linear
 * entry, task 3 an own mask reusing earlier weights (WSN) with 2-bit codes;
 * heads, batch-norm statistics, metadata and shared biases.
 */
export function exampleStore(seed = 1): SubnetworkStore {
  const rng = Rng.fromSeed(seed).stream('masks');
  const store = new SubnetworkStore({
    architecture: { kind: 'mlp', layers: [20, 16, 8], activation: 'relu', note: 'unicode ✓' },
    tensors: [
      { name: 'dense_1/kernel', shape: [20, 16] },
      { name: 'dense_2/kernel', shape: [16, 8] },
    ],
  });
  const own = store.ownership;
  // Task 1: PackNet-style float weights, 30 % of each tensor, 24 bits so later codes fit.
  for (const t of store.tensors) {
    const slots = randomPick(rng, own.trainable(1, t.name, 24), 0.3);
    own.claim(1, t.name, slots, 24);
    store.setQuantization(1, { tensor: t.name, scheme: 'float32', values: randomValues(rng, slots.popcount()) });
  }
  // Task 2: 4-bit codes in any slot with room, k-means codebook / linear.
  store.tensors.forEach((t, i) => {
    const slots = randomPick(rng, own.trainable(2, t.name, 4), 0.5);
    own.claim(2, t.name, slots, 4);
    const codes = packCodes(Uint8Array.from({ length: slots.popcount() }, () => rng.nextInt(16)), 4);
    const entry = { bits: 4, count: slots.popcount(), words: codes };
    if (i === 0) store.setQuantization(2, { tensor: t.name, scheme: 'codebook', codebook: randomValues(rng, 16), codes: entry });
    else store.setQuantization(2, { tensor: t.name, scheme: 'linear', scales: Float32Array.of(0.02), zeroPoints: Float32Array.of(8), codes: entry });
  });
  // Task 3: a WSN own mask: reuse some held weights, claim a few new ones at 2 bits.
  const t0 = 'dense_1/kernel';
  const fresh = randomPick(rng, own.trainable(3, t0, 2), 0.2);
  own.claim(3, t0, fresh, 2);
  own.setTaskMask(3, t0, randomPick(rng, own.visible(3, t0, 'nested'), 0.05).or(fresh));
  store.setQuantization(3, {
    tensor: t0,
    scheme: 'codebook',
    codebook: Float32Array.of(-0.1, 0, 0.1),
    codes: { bits: 2, count: fresh.popcount(), words: packCodes(Uint8Array.from({ length: fresh.popcount() }, () => rng.nextInt(3)), 2) },
  });
  for (const taskId of [1, 2, 3]) {
    store.setHeads(taskId, [
      { name: 'head/kernel', shape: [8, 2], values: randomValues(rng, 16) },
      { name: 'head/bias', shape: [2], values: randomValues(rng, 2) },
    ]);
    store.setBatchNorm(taskId, [
      { name: 'bn_1/moving_mean', shape: [16], values: randomValues(rng, 16) },
      { name: 'bn_1/moving_variance', shape: [16], values: randomValues(rng, 16).map(Math.abs) },
    ]);
    store.setMetadata(taskId, { bits: [24, 4, 2][taskId - 1] ?? 0, accuracy: 0.9 + taskId / 100, sparsity: [0.3, 0.5] });
  }
  store.setShared([{ name: 'dense_1/bias', shape: [16], values: randomValues(rng, 16) }]);
  store.addTask(4); // listed, no data yet
  return store;
}

/** Everything in a store as plain data, for deep equality in tests. */
export function describeStore(store: SubnetworkStore): unknown {
  const arr = (a: ArrayLike<number>): number[] => Array.from(a);
  return {
    architecture: store.architecture,
    tensors: store.tensors.map((t) => ({ name: t.name, shape: [...t.shape] })),
    tasks: store.taskIds(),
    shared: store.shared.map((t) => ({ name: t.name, shape: [...t.shape], values: arr(t.values) })),
    perTask: store.taskIds().map((taskId) => {
      const record = store.task(taskId);
      return {
        taskId,
        claims: store.tensors.map((t) => {
          const c = store.ownership.claimOf(taskId, t.name);
          return c === undefined ? null : { bits: c.bits, slots: arr(c.slots.words), offsets: arr(c.offsets) };
        }),
        masks: store.tensors.map((t) => {
          const m = store.ownership.taskMask(taskId, t.name);
          return m === undefined ? null : arr(m.words);
        }),
        quantization: store.tensors.flatMap((t) => {
          const q = record.quantization.get(t.name);
          if (q === undefined) return [];
          switch (q.scheme) {
            case 'float32':
              return { tensor: q.tensor, scheme: q.scheme, values: arr(q.values) };
            case 'linear':
              return { tensor: q.tensor, scheme: q.scheme, scales: arr(q.scales), zeroPoints: arr(q.zeroPoints), bits: q.codes.bits, count: q.codes.count, words: arr(q.codes.words) };
            case 'codebook':
              return { tensor: q.tensor, scheme: q.scheme, codebook: arr(q.codebook), bits: q.codes.bits, count: q.codes.count, words: arr(q.codes.words) };
          }
        }),
        heads: record.heads.map((t) => ({ name: t.name, shape: [...t.shape], values: arr(t.values) })),
        batchNorm: record.batchNorm.map((t) => ({ name: t.name, shape: [...t.shape], values: arr(t.values) })),
        metadata: record.metadata ?? null,
      };
    }),
  };
}
