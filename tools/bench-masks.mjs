// Benchmarks @retain/masks: pack / unpack throughput of 4-bit codes (1e6..1e7 codes, target
// >= 200 MB/s, where MB counts one byte per code: the Uint8Array the codes come from or go to),
// a few other widths, and mask coding (bit-packed vs adaptive range coder) sizes and speeds.
// Every figure is the median of RUNS timed runs (default 3) after WARMUP untimed runs (default 3).
// Build first: (cd packages/masks && npx tsc -p tsconfig.build.json); then: node tools/bench-masks.mjs
import { performance } from 'node:perf_hooks';
import { cpus, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '@retain/core';
import {
  BitMask,
  decodeMask,
  encodeMask,
  MASK_HEADER_BYTES,
  SubnetworkStore,
  compareWithDense,
  countParameters,
  decodeStore,
  encodeStore,
  measureStoreSize,
  packCodes,
  readMaskHeader,
  readTaskFromFile,
  unpackCodesInto,
  writeStoreFile,
} from '../packages/masks/dist/index.js';

const RUNS = Number(process.env.RUNS ?? 3);
const WARMUP = Number(process.env.WARMUP ?? 3);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median milliseconds of fn over RUNS runs after WARMUP runs. */
function time(fn) {
  for (let w = 0; w < WARMUP; w++) fn();
  const ms = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Median milliseconds of an async fn over RUNS runs after WARMUP runs. */
async function timeAsync(fn) {
  for (let w = 0; w < WARMUP; w++) await fn();
  const ms = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1e3);
const fmt = (x, d = 1) => x.toFixed(d);

console.log(`@retain/masks benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, median of ${RUNS} runs after ${WARMUP} warm-up runs`);

// ---- code packing ----
const rng = Rng.fromSeed(20261129).stream('bench');
console.log('\nCode packing (MB/s of codes at one byte per code; packed MB/s = bytes of Uint32 words)');
console.log('bits  codes       pack ms  pack MB/s  packed MB/s  unpack ms  unpack MB/s  round-trip');
const packRows = [];
for (const [bits, n] of [[4, 1e6], [4, 3e6], [4, 1e7], [1, 1e6], [3, 1e6], [5, 1e6], [8, 1e6], [12, 1e6], [16, 1e6]]) {
  const codes = bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) codes[i] = rng.nextUint32() & ((1 << bits) - 1);
  const out = bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
  let words;
  const packMs = time(() => {
    words = packCodes(codes, bits);
  });
  const unpackMs = time(() => unpackCodesInto(words, bits, n, out));
  let same = true;
  for (let i = 0; i < n; i++) if (out[i] !== codes[i]) same = false;
  const codeBytes = n * codes.BYTES_PER_ELEMENT;
  packRows.push({ bits, n, packMs, unpackMs, packMBs: mbps(codeBytes, packMs), unpackMBs: mbps(codeBytes, unpackMs) });
  console.log(
    `${String(bits).padStart(4)}  ${n.toExponential(0).padEnd(10)} ${fmt(packMs, 2).padStart(8)} ${fmt(mbps(codeBytes, packMs)).padStart(10)} ${fmt(mbps(words.byteLength, packMs)).padStart(12)} ${fmt(unpackMs, 2).padStart(10)} ${fmt(mbps(codeBytes, unpackMs)).padStart(12)}  ${same ? 'ok' : 'MISMATCH'}`,
  );
}
const fourBit = packRows.filter((r) => r.bits === 4);
const slowest = Math.min(...fourBit.flatMap((r) => [r.packMBs, r.unpackMBs]));
console.log(`4-bit target >= 200 MB/s: slowest 4-bit figure ${fmt(slowest)} MB/s -> ${slowest >= 200 ? 'met' : 'NOT met'}`);

// ---- mask coding ----
const N = 1_000_000;
function iidMask(p) {
  const mask = BitMask.empty(N);
  for (let i = 0; i < N; i++) if (rng.nextFloat() < p) mask.words[i >>> 5] |= 1 << (i & 31);
  for (let w = 0; w < mask.words.length; w++) mask.words[w] >>>= 0;
  return mask;
}
/** Ones in runs (mean run 32, density ~p): like pruning whole filters or rows. */
function clusteredMask(p) {
  const mask = BitMask.empty(N);
  let i = 0;
  while (i < N) {
    const run = 1 + rng.nextInt(63);
    const on = rng.nextFloat() < p;
    for (let k = 0; k < run && i < N; k++, i++) if (on) mask.set(i, true);
  }
  return mask;
}
const entropyBytes = (p) => (p <= 0 || p >= 1 ? 0 : (-(p * Math.log2(p) + (1 - p) * Math.log2(1 - p)) * N) / 8);

console.log(`\nMask coding of ${N.toExponential(0)} weights (bit-packed = ${MASK_HEADER_BYTES} + ${N / 8} bytes; H = i.i.d. entropy bound)`);
console.log('mask               density  H bytes   ctx0 bytes  ctx2 bytes  ctx4 bytes  ctx8 bytes  auto bytes  coding  vs packed  enc ms  dec ms');
for (const [name, make, p] of [
  ['iid 1%', iidMask, 0.01],
  ['iid 5%', iidMask, 0.05],
  ['iid 10%', iidMask, 0.1],
  ['iid 30%', iidMask, 0.3],
  ['iid 50%', iidMask, 0.5],
  ['runs 30%', clusteredMask, 0.3],
  ['runs 50%', clusteredMask, 0.5],
]) {
  const mask = make(p);
  const density = mask.popcount() / N;
  const sizes = [0, 2, 4, 8].map((contextBits) => encodeMask(mask, { coding: 'range', contextBits }).length);
  let encoded;
  const encMs = time(() => {
    encoded = encodeMask(mask);
  });
  const decMs = time(() => decodeMask(encoded));
  if (!decodeMask(encoded).equals(mask)) throw new Error(`round trip failed for ${name}`);
  const header = readMaskHeader(encoded);
  console.log(
    `${name.padEnd(18)} ${fmt(density, 3).padStart(7)} ${fmt(entropyBytes(density), 0).padStart(8)} ${sizes.map((s) => String(s).padStart(11)).join('')} ${String(encoded.length).padStart(11)}  ${header.coding === 1 ? 'range' : 'raw  '}  ${fmt((100 * encoded.length) / (MASK_HEADER_BYTES + N / 8)).padStart(7)}%  ${fmt(encMs).padStart(6)}  ${fmt(decMs).padStart(6)}`,
  );
}
const rawMask = iidMask(0.5);
const rawEnc = time(() => encodeMask(rawMask, { coding: 'raw' }));
const rawBytes = encodeMask(rawMask, { coding: 'raw' });
const rawDec = time(() => decodeMask(rawBytes));
console.log(`bit-packed coding alone (1e6 weights): encode ${fmt(rawEnc, 2)} ms, decode ${fmt(rawDec, 2)} ms`);

// ---- store sizes: synthetic sub-networks (random masks and codes, the layout of each method) ----
const TENSORS = [
  { name: 'fc1/kernel', shape: [784, 256] },
  { name: 'fc2/kernel', shape: [256, 256] },
  { name: 'fc3/kernel', shape: [256, 100] },
];
const TASKS = 5;
function pick(candidates, fraction) {
  const out = BitMask.empty(candidates.length);
  candidates.forEachSet((i) => {
    if (rng.nextFloat() < fraction) out.set(i, true);
  });
  return out;
}
function addHeads(store, taskId) {
  store.setHeads(taskId, [
    { name: 'head/kernel', shape: [100, 10], values: Float32Array.from({ length: 1000 }, () => rng.nextNormal()) },
    { name: 'head/bias', shape: [10], values: new Float32Array(10) },
  ]);
  store.setMetadata(taskId, { method: store.architecture.method, task: taskId });
}
function buildStore(method) {
  const store = new SubnetworkStore({ architecture: { kind: 'mlp', layers: [784, 256, 256, 100], method }, tensors: TENSORS });
  const own = store.ownership;
  for (let t = 1; t <= TASKS; t++) {
    for (const { name } of TENSORS) {
      if (method === 'packnet') {
        // Each task keeps 15 % of the weights (of those still free) as float32.
        const slots = pick(own.trainable(t, name, 32), 0.15 / (1 - 0.15 * (t - 1)));
        own.claim(t, name, slots, 32);
        store.setQuantization(t, { tensor: name, scheme: 'float32', values: Float32Array.from({ length: slots.popcount() }, () => rng.nextNormal()) });
      } else if (method === 'ada-qpacknet') {
        // Each task keeps 30 % of the slots with room for 4 bits, as 4-bit k-means codes.
        const slots = pick(own.trainable(t, name, 4), 0.3);
        own.claim(t, name, slots, 4);
        const n = slots.popcount();
        const codes = new Uint8Array(n);
        for (let i = 0; i < n; i++) codes[i] = rng.nextInt(16);
        store.setQuantization(t, { tensor: name, scheme: 'codebook', codebook: Float32Array.from({ length: 16 }, () => rng.nextNormal()), codes: { bits: 4, count: n, words: packCodes(codes, 4) } });
      } else {
        // WSN: a 50 % own mask; weights not yet held are claimed (float32), the rest reused.
        const nested = own.visible(t, name, 'nested');
        const mask = pick(BitMask.full(own.size(name)), 0.5);
        const fresh = mask.andNot(nested);
        own.claim(t, name, fresh, 32);
        own.setTaskMask(t, name, mask);
        store.setQuantization(t, { tensor: name, scheme: 'float32', values: Float32Array.from({ length: fresh.popcount() }, () => rng.nextNormal()) });
      }
    }
    addHeads(store, t);
  }
  return store;
}

const dir = await mkdtemp(join(tmpdir(), 'bench-masks-'));
const dense = countParameters(TENSORS) + 100 * 10 + 10;
console.log(`\nStore sizes: ${TASKS} synthetic tasks on a 784-256-256-100 MLP (${countParameters(TENSORS)} kernel weights; one dense float32 model with one head = ${dense} parameters = ${dense * 4} bytes)`);
console.log('method         total B   codes   codebooks   masks   ownership   heads   metadata   framing   vs 1 dense   encode ms  decode ms  write ms  read 1 task ms');
for (const method of ['packnet', 'ada-qpacknet', 'wsn']) {
  const store = buildStore(method);
  let bytes;
  const encMs = time(() => {
    bytes = encodeStore(store);
  });
  const decMs = time(() => decodeStore(bytes));
  const size = measureStoreSize(bytes);
  const path = join(dir, `${method}.rtn`);
  const writeMs = await timeAsync(() => writeStoreFile(path, store));
  const readMs = await timeAsync(() => readTaskFromFile(path, 3));
  const vs = compareWithDense(size, dense);
  console.log(
    `${method.padEnd(13)} ${String(size.totalBytes).padStart(8)} ${String(size.codes).padStart(7)} ${String(size.codebooks).padStart(11)} ${String(size.masks).padStart(7)} ${String(size.ownership).padStart(11)} ${String(size.heads).padStart(7)} ${String(size.metadata).padStart(10)} ${String(size.framing).padStart(9)}   ${fmt(vs.ratio, 3).padStart(9)}x ${fmt(encMs).padStart(10)} ${fmt(decMs).padStart(10)} ${fmt(writeMs).padStart(9)} ${fmt(readMs).padStart(15)}`,
  );
}
await rm(dir, { recursive: true, force: true });
