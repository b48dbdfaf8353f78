#!/usr/bin/env node
// Training benchmark of the shared training step (strategies' gradientStep with
// ManagedOptimizer, the step every strategy runs) on the MLP (784-400-400-10)
// and cnn-small, dense and with each strategy's masked layers installed as the
// strategies install them, against PyTorch CPU (tools/bench/torch_train.py via
// /usr/bin/python3) on the same data, batch and Adam lr, in one run. Prints
// samples/s (wall clock and per CPU second, the latter less sensitive to other
// processes on a shared machine), the retain / PyTorch ratio, the masked-layer
// overhead against the dense model, the machine load, and inference samples/s
// of a stored Ada-QPacknet task (constant effective weights, as a frozen task
// is installed). Installs nothing itself.
//
// Variants (what is installed on every shared kernel, as the strategies do it
// while they train a later task; half of each kernel owned by earlier tasks):
//   dense          nothing: the plain model
//   packnet        NestedMaskStrategy in its training phase: visible = earlier | free, trainable = free
//   esacl          the same masks as PackNet (EsaCL is a NestedMaskStrategy), SAM off
//   esacl-sam      esacl plus the SAM plugin (two gradient evaluations per step, rho 0.05)
//   wsn            WSN's transform: w_free * topCScoreMask(scores, c = 0.5), scores trained
//   ada-qpacknet   Ada-QPacknet's training phase: trainable = candidate weights
//
// Usage (after `npm run build`):
//   node tools/bench-train.mjs [--models mlp,cnn-small] [--batches 64,128]
//        [--variants dense,packnet,wsn,ada-qpacknet,esacl,esacl-sam] [--runs 3]
//        [--samples 12800] [--warmup 5] [--lr 0.001] [--torch-threads 1] [--no-torch]
//        [--no-inference] [--threads 1] [--seed 0]
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadBenchData, runTorchTrain, torchDataDir } from './bench/torch-harness.mjs';

const root = resolve(import.meta.dirname, '..');
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;
for (const pkg of ['core', 'scenarios', 'pruning', 'strategies']) {
  if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(`bench-train: packages/${pkg}/dist is missing; run \`npm run build\` first`);
    process.exit(2);
  }
}
const { tf, initBackend, createModel, maskedWeightFn, Rng } = await import(dist('core'));
const { loadDataset } = await import(dist('scenarios'));
const { wsnMaskedWeight } = await import(dist('pruning'));
const { gradientStep, ManagedOptimizer, samTrainingPlugin } = await import(dist('strategies'));

const VARIANTS = ['dense', 'packnet', 'wsn', 'ada-qpacknet', 'esacl', 'esacl-sam'];
const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'mlp,cnn-small' },
    batches: { type: 'string', default: '64,128' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    runs: { type: 'string', default: '3' },
    samples: { type: 'string', default: '12800' },
    warmup: { type: 'string', default: '5' },
    lr: { type: 'string', default: '0.001' },
    'torch-threads': { type: 'string', default: '1' },
    'no-torch': { type: 'boolean', default: false },
    'no-inference': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
  },
});
const models = args.models.split(',');
const batches = args.batches.split(',').map(Number);
const variants = args.variants.split(',');
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant '${v}' (one of ${VARIANTS.join(', ')})`);
const runs = Number(args.runs);
const lr = Number(args.lr);
const warmup = Number(args.warmup);
const seed = Number(args.seed);
const load = () => loadavg()[0].toFixed(2);


function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

const inputShape = (model) => (model === 'mlp' ? [784] : [28, 28, 1]);

/** A 0/1 float32 tensor of `shape` with ones where `pick(i)`. */
function maskTensor(shape, pick) {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = pick(i) ? 1 : 0;
  return tf.tensor(v, shape, 'float32');
}

/**
 * Installs `variant` on the shared kernels of `net` as the strategy does while
 * it trains a later task: a seeded half of each kernel is owned by earlier tasks.
 */
function install(net, variant, rng) {
  if (variant === 'dense') return;
  const kernels = [...net.parameters().values()].filter((p) => p.role === 'kernel' && p.taskId === undefined && p.learnable);
  for (const p of kernels) {
    const owner = Uint8Array.from({ length: p.size }, () => (rng.nextFloat() < 0.5 ? 1 : 0));
    const free = (i) => owner[i] === 0;
    if (variant === 'packnet' || variant === 'esacl' || variant === 'esacl-sam') {
      // NestedMaskStrategy.installMasks, phase 'training': visible = earlier | free (everything here), trainable = free.
      p.setMasks({ visible: maskTensor(p.shape, () => true), trainable: maskTensor(p.shape, free) });
    } else if (variant === 'ada-qpacknet') {
      // AdaQPacknetStrategy.installMasks, phase 'training': trainable = candidates.
      p.setMasks({ trainable: maskTensor(p.shape, free) });
    } else if (variant === 'wsn') {
      // WsnStrategy.installMasks for the active task.
      const freeMask = tf.keep(maskTensor(p.shape, free));
      const onlyFree = maskedWeightFn(undefined, freeMask);
      const scores = tf.tidy(() => tf.variable(tf.randomNormal([...p.shape], 0, 0.01, 'float32', rng.nextUint32()), true, `${p.name}/wsn-scores`));
      p.setTransform({
        apply: (w) => wsnMaskedWeight(onlyFree(w), scores, 0.5),
        variables: [scores],
        dispose: () => {
          freeMask.dispose();
          scores.dispose();
        },
      });
    }
  }
}

/** Minimal TrainingInfo for gradientStep outside a strategy (what its hooks read). */
function trainingInfo(net, optimizer) {
  return {
    strategy: 'bench', network: net, experience: undefined, taskId: 0, scenarioKind: 'task-incremental', phase: 'train',
    epoch: 0, epochs: 1, iteration: 0, step: 0, get learningRate() { return optimizer.learningRate; }, rng: Rng.fromSeed(seed),
    setLearningRate: (v) => optimizer.setLearningRate(v), requestStop: () => {}, forward: (x, t, training) => net.apply(x, { taskId: t, training }),
  };
}

/** Trains `steps` batches with the shared step; returns wall and CPU samples/s. */
function trainRetain(model, variant, batch, data, stepLimit = Infinity) {
  const before = tf.memory().numTensors;
  const net = createModel(model, { inputShape: inputShape(model), numClasses: 10, seed, init: 'torch' });
  install(net, variant, Rng.fromSeed(seed).stream('masks'));
  const optimizer = new ManagedOptimizer({ kind: 'adam', learningRate: lr });
  const forward = (x, taskId, training) => net.apply(x, { taskId, training });
  const plugins = variant === 'esacl-sam' ? [samTrainingPlugin({ rho: 0.05 })] : [];
  const spec = {
    info: trainingInfo(net, optimizer), plugins, forward, variables: net.trainableVariables(0), optimizer,
    weightDecay: 0, weightDecayMode: 'l2', decayScope: () => 'all',
  };
  const shape = inputShape(model);
  const per = shape.reduce((a, b) => a * b, 1);
  const batchAt = (s) => ({
    x: tf.tensor(data.x.subarray(s * batch * per, (s + 1) * batch * per), [batch, ...shape]),
    y: tf.tensor1d(data.y.subarray(s * batch, (s + 1) * batch), 'int32'),
    size: batch,
  });
  const run = (from, count) => {
    let loss = NaN;
    for (let s = from; s < from + count; s++) {
      const b = batchAt(s);
      try {
        loss = gradientStep(spec, b);
      } finally {
        b.x.dispose();
        b.y.dispose();
      }
    }
    return loss;
  };
  const steps = Math.min(stepLimit, Math.floor(data.n / batch));
  run(0, Math.min(warmup, steps)); // warm-up: JIT, heap growth, XNNPACK operator caches
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const loss = run(0, steps);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  optimizer.dispose();
  net.dispose();
  const leaked = tf.memory().numTensors - before;
  return { samplesPerSec: (steps * batch) / seconds, cpuSamplesPerSec: (steps * batch) / cpuSeconds, loss, leaked, load: load() };
}

/** Inference samples/s of a stored Ada-QPacknet task: every shared kernel a constant (4-bit dequantised) tensor, batches of 1000, no tape. */
function inferenceAdaQPacknet(model, data) {
  const before = tf.memory().numTensors;
  const net = createModel(model, { inputShape: inputShape(model), numClasses: 10, seed, init: 'torch' });
  for (const p of [...net.parameters().values()].filter((q) => q.role === 'kernel' && q.taskId === undefined)) {
    const w = p.read();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of w) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const step = (hi - lo) / 15 || 1;
    const t = tf.keep(tf.tensor(Float32Array.from(w, (v) => lo + Math.round((v - lo) / step) * step), [...p.shape], 'float32'));
    p.setTransform({ apply: () => t, dispose: () => t.dispose() }); // AdaQPacknetStrategy.installMasks for a frozen task
  }
  const shape = inputShape(model);
  const per = shape.reduce((a, b) => a * b, 1);
  const pass = () => {
    let correct = 0;
    for (let i = 0; i < data.nTest; i += 1000) {
      const m = Math.min(1000, data.nTest - i);
      correct += tf.tidy(() => {
        const logits = net.apply(tf.tensor(data.xt.subarray(i * per, (i + m) * per), [m, ...shape]), { taskId: 0 });
        return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(data.yt.subarray(i, i + m), 'int32')), 'int32')).dataSync()[0];
      });
    }
    return correct;
  };
  pass();
  const start = performance.now();
  pass();
  const seconds = (performance.now() - start) / 1000;
  net.dispose();
  return { samplesPerSec: data.nTest / seconds, leaked: tf.memory().numTensors - before, load: load() };
}

function trainTorch(model, batch, dir) {
  const threads = args['torch-threads'];
  return { ...runTorchTrain([dir, model, batch, lr, threads, warmup, 0], threads), load: load() };
}


const backend = await initBackend('wasm', { wasmThreads: Number(args.threads) });
const samples = Number(args.samples);
const data = await loadBenchData({ loadDataset, Rng, seed, count: samples });
const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown CPU';
console.log(`machine: ${cpuModel}, ${(await import('node:os')).cpus().length} logical CPUs, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log(`data: ${data.source}; ${data.n} training samples per run (+${warmup} warm-up steps), Adam lr ${lr}, same order for both systems`);
console.log(`retain: tfjs ${tf.version.tfjs} ${backend.name} (SIMD ${backend.simd}, ${backend.threads} thread(s)), kernels: ${backend.trainingKernels.join(', ')}`);
const dir = torchDataDir(data, args['no-torch'], 'retain-bench-train-');

const rows = [];
const inference = [];
let torchInfoShown = false;
/** PyTorch's inference samples/s of the dense model (batches of 1000, no_grad), by model. */
const torchInferenceByModel = new Map();
try {
  for (const model of models) {
    for (const batch of batches) {
      const ours = new Map(variants.map((v) => [v, []]));
      const theirs = [];
      // Untimed warm-up round: JIT and heap growth of every variant before the first timed run.
      for (const variant of variants) trainRetain(model, variant, batch, data, warmup);
      for (let r = 0; r < runs; r++) {
        // Interleaved: every variant and PyTorch once per round, so load changes hit all alike;
        // the order rotates each round, so no variant always runs first (after PyTorch's process).
        for (const variant of [...variants.slice(r % variants.length), ...variants.slice(0, r % variants.length)]) {
          const o = trainRetain(model, variant, batch, data);
          ours.get(variant).push(o);
          console.log(`  ${model} b${batch} ${variant} run ${r + 1}: ${o.samplesPerSec.toFixed(0)} samples/s (${o.cpuSamplesPerSec.toFixed(0)} per CPU s), loss ${o.loss.toFixed(3)}, leaked ${o.leaked}, load ${o.load}`);
        }
        if (dir) {
          const t = trainTorch(model, batch, dir);
          theirs.push(t);
          if (!torchInferenceByModel.has(model)) torchInferenceByModel.set(model, []);
          torchInferenceByModel.get(model).push(t.inferenceSamplesPerSec);
          console.log(`  ${model} b${batch} PyTorch run ${r + 1}: ${t.samplesPerSec.toFixed(0)} samples/s (${t.cpuSamplesPerSec?.toFixed(0)} per CPU s), load ${t.load}`);
          if (!torchInfoShown) {
            torchInfoShown = true;
            const ob = t.openblas ? `OpenBLAS ${t.openblas.core} kernel, ${t.openblas.threads} OpenBLAS thread(s)` : 'not OpenBLAS';
            console.log(`  PyTorch: ${t.system}; BLAS ${t.blas} (${ob})`);
          }
        }
      }
      const dense = ours.has('dense') ? median(ours.get('dense').map((o) => o.samplesPerSec)) : undefined;
      const denseCpu = ours.has('dense') ? median(ours.get('dense').map((o) => o.cpuSamplesPerSec)) : undefined;
      const t = theirs.length ? median(theirs.map((x) => x.samplesPerSec)) : undefined;
      const tCpu = theirs.length ? median(theirs.map((x) => x.cpuSamplesPerSec)) : undefined;
      for (const variant of variants) {
        const os = ours.get(variant);
        const wall = median(os.map((o) => o.samplesPerSec));
        const cpu = median(os.map((o) => o.cpuSamplesPerSec));
        rows.push({ model, batch, variant, wall, cpu, torch: t, torchCpu: tCpu, overWall: dense ? dense / wall - 1 : undefined, overCpu: denseCpu ? denseCpu / cpu - 1 : undefined, loads: os.map((o) => o.load).join('/') });
      }
    }
    if (!args['no-inference']) {
      const res = [];
      for (let r = 0; r < runs; r++) res.push(inferenceAdaQPacknet(model, data));
      const torchInference = torchInferenceByModel.get(model);
      inference.push({ model, retain: median(res.map((x) => x.samplesPerSec)), torch: torchInference?.length ? median(torchInference) : undefined, loads: res.map((x) => x.load).join('/'), leaked: res.map((x) => x.leaked).join('/') });
    }
  }
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

const fmt = (v, d = 0) => (v === undefined || v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const pct = (v) => (v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`);
console.log(`\n| model | batch | variant | retain samples/s | per CPU s | PyTorch samples/s | per CPU s | retain / PyTorch (wall) | (CPU) | step time vs dense (wall) | (CPU) | load 1-min |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.batch} | ${r.variant} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.torch)} | ${fmt(r.torchCpu)} | ${r.torch ? (r.wall / r.torch).toFixed(2) : 'n/a'} | ${r.torchCpu ? (r.cpu / r.torchCpu).toFixed(2) : 'n/a'} | ${r.variant === 'dense' ? '-' : pct(r.overWall)} | ${r.variant === 'dense' ? '-' : pct(r.overCpu)} | ${r.loads} |`,
  );
}
console.log(`(medians of ${runs} run(s) of ${data.n} samples each; PyTorch trains the dense model)`);
if (inference.length > 0) {
  console.log(`\n| model | retain: stored Ada-QPacknet task, inference samples/s (batches of 1000, no tape) | PyTorch dense, no_grad | retain / PyTorch | load 1-min | leaked |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const r of inference) console.log(`| ${r.model} | ${fmt(r.retain)} | ${fmt(r.torch)} | ${r.torch ? (r.retain / r.torch).toFixed(2) : 'n/a'} | ${r.loads} | ${r.leaked} |`);
}
