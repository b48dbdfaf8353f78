// Times magnitude pruning (radix selection of the keep threshold + the 0/1 mask) on
// 1e6 float32 weights, per layer and global across four layers, for keep fractions
// 0.1 / 0.5 / 0.9; prints the median of RUNS runs (default 9) after WARMUP warm-up runs (default 10:
// V8 needs a few calls to optimise the selection loops), the first call of the process (cold), and
// a full-sort baseline for comparison. Build first: (cd packages/pruning && npx tsc -p tsconfig.build.json)
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { Rng } from '@retain/core';
import { magnitudePrune, magnitudePruneGlobal } from '../packages/pruning/dist/index.js';

const N = 1_000_000;
const RUNS = Number(process.env.RUNS ?? 9);
const WARMUP = Number(process.env.WARMUP ?? 10);
const FRACTIONS = [0.1, 0.5, 0.9];
const TARGET_MS = 50;

const rng = Rng.fromSeed(20260101);
const weights = new Float32Array(N);
for (let i = 0; i < N; i++) weights[i] = rng.nextNormal() * 0.05;
const halfEligible = new Uint8Array(N);
for (let i = 0; i < N; i++) halfEligible[i] = rng.nextFloat() < 0.5 ? 1 : 0;

const sizes = { conv1: 50_000, conv2: 150_000, fc1: 500_000, fc2: 300_000 };
const layers = {};
let offset = 0;
for (const [name, size] of Object.entries(sizes)) {
  layers[name] = { weights: weights.subarray(offset, offset + size) };
  offset += size;
}
const layersHalf = {};
offset = 0;
for (const [name, size] of Object.entries(sizes)) {
  layersHalf[name] = { weights: weights.subarray(offset, offset + size), eligible: halfEligible.subarray(offset, offset + size) };
  offset += size;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  for (let w = 0; w < WARMUP; w++) fn();
  const ms = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) };
}

// Cold: the very first call in this process, before V8 has optimised anything.
const coldStart = performance.now();
magnitudePrune(weights, { keepFraction: 0.1, eligible: halfEligible });
const coldMs = performance.now() - coldStart;

const rows = [];
for (const keepFraction of FRACTIONS) {
  rows.push(['per-layer, all eligible', keepFraction, time(() => magnitudePrune(weights, { keepFraction }))]);
  rows.push(['per-layer, 50% eligible (mask)', keepFraction, time(() => magnitudePrune(weights, { keepFraction, eligible: halfEligible }))]);
  rows.push(['global, 4 layers, all eligible', keepFraction, time(() => magnitudePruneGlobal(layers, keepFraction))]);
  rows.push(['global, 4 layers, 50% eligible', keepFraction, time(() => magnitudePruneGlobal(layersHalf, keepFraction))]);
}
const sortBaseline = time(() => {
  const abs = Float32Array.from(weights, Math.abs);
  abs.sort();
  return abs[Math.round(0.9 * N)];
});

console.log(`magnitude pruning on ${N.toLocaleString('en-US')} float32 weights, node ${process.version}, median of ${RUNS} runs (ms)`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('case                               keep   median     min     max');
for (const [label, f, t] of rows) {
  console.log(`${label.padEnd(34)} ${f.toFixed(1).padStart(4)} ${t.median.toFixed(1).padStart(8)} ${t.min.toFixed(1).padStart(7)} ${t.max.toFixed(1).padStart(7)}`);
}
console.log(`${'baseline: |w| + full Float32Array sort'.padEnd(39)} ${sortBaseline.median.toFixed(1).padStart(8)} ${sortBaseline.min.toFixed(1).padStart(7)} ${sortBaseline.max.toFixed(1).padStart(7)}`);
console.log(`first call of the process (cold JIT; per-layer, 50% eligible mask, keep 0.1): ${coldMs.toFixed(1)} ms`);
const worst = Math.max(...rows.map(([, , t]) => t.median));
console.log(`slowest median ${worst.toFixed(1)} ms: ${worst < TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target`);
