// Benchmarks of @retain/quantization on 1e6 seeded normal float32 weights.
// Build first: `npx nx build @retain/quantization` (builds @retain/core too), then
// `node tools/bench-quantization.mjs`. Prints medians of 3 runs, wall-clock and CPU time
// (CPU time is what this process used: on a shared machine wall time also counts waiting).
import { Rng } from '@retain/core';
import {
  computeLinearParams,
  dequantizeLinear,
  kmeansLloyd1d,
  kmeansOptimal1d,
  quantizeLinear,
} from '../packages/quantization/dist/index.js';

const N = 1_000_000;
const RUNS = 3;
const SEED = 2024;

function normalWeights(n, seed) {
  const rng = Rng.fromSeed(seed).stream('bench-quantization');
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = rng.nextNormal();
  return values;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label, target, fn) {
  const walls = [];
  const cpus = [];
  let last;
  for (let r = 0; r < RUNS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    last = fn();
    walls.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  const wall = median(walls);
  const verdict = target === undefined ? '' : wall < target ? `  (target < ${target} ms: met)` : `  (target < ${target} ms: NOT met)`;
  console.log(
    `${label.padEnd(48)} median wall ${wall.toFixed(0).padStart(5)} ms, cpu ${median(cpus).toFixed(0).padStart(5)} ms` +
      `  [runs: ${walls.map((w) => w.toFixed(0)).join(', ')} ms]${verdict}`,
  );
  return last;
}

const values = normalWeights(N, SEED);
console.log(`@retain/quantization benchmark: ${N} float32 N(0,1) weights (seed ${SEED}), node ${process.version}, medians of ${RUNS}`);

const optimal = measure('optimal k-means, k=64 (exact DP, auto)', 1000, () => kmeansOptimal1d(values, 64));
console.log(`  -> ${optimal.codebook.length} centres, SSE ${optimal.sse.toFixed(4)}`);
const optimal16 = measure('optimal k-means, k=16 (exact DP, auto)', undefined, () => kmeansOptimal1d(values, 16));
console.log(`  -> SSE ${optimal16.sse.toFixed(4)}`);
const lloyd = measure('Lloyd k-means++, k=16, 20 iterations', 300, () => kmeansLloyd1d(values, 16, { seed: 1, maxIterations: 20 }));
console.log(`  -> ${lloyd.iterations} iterations, converged ${lloyd.converged}, SSE ${lloyd.sse.toFixed(4)} (optimal ${optimal16.sse.toFixed(4)})`);
const linear = measure('linear 4-bit quantise + dequantise (per tensor)', undefined, () => {
  const params = computeLinearParams(values, { bits: 4 });
  return dequantizeLinear(quantizeLinear(values, params), params);
});
let linearSse = 0;
for (let i = 0; i < N; i++) linearSse += (values[i] - linear[i]) ** 2;
console.log(`  -> SSE ${linearSse.toFixed(4)}`);
if (process.argv.includes('--layered')) {
  const layered = measure('optimal k-means, k=64, layered DP (reference)', undefined, () =>
    kmeansOptimal1d(values, 64, { strategy: 'layered' }),
  );
  console.log(`  -> SSE ${layered.sse.toFixed(4)} (same optimum as auto: ${Math.abs(layered.sse - optimal.sse) <= 1e-9 * optimal.sse})`);
}
