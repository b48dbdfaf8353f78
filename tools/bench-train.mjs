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
// is installed) against PyTorch's dense model. Installs nothing itself.
//
// Inference, both systems alike: the whole test set in batches of
// --inference-batch, inputs already tensors (data conversion not timed), no
// gradients (retain: no tape; PyTorch: model.eval() + torch.inference_mode()),
// one untimed pass first (warm-up), then the median of 3 timed passes.
// PyTorch runs with a warm glibc heap (--torch-allocator warm: no per-block
// mmap, no trimming, as tfjs-wasm's linear memory); `default` keeps glibc's
// defaults, under which PyTorch re-faults its large activations every step.
//
// Variants (what is installed on every shared kernel, as the strategies do it
// while they train a later task; half of each kernel owned by earlier tasks):
//   dense          nothing: the plain model
//   packnet        NestedMaskStrategy in its training phase: visible = earlier | free, trainable = free
//   esacl          the same masks as PackNet (EsaCL is a NestedMaskStrategy), SAM off
//   esacl-sam      esacl plus the SAM plugin (two gradient evaluations per step, rho 0.05)
//   wsn            WSN's transform: w * topCScoreMask(scores, c = 0.5), gradient to the free weights, scores trained
//   ada-qpacknet   Ada-QPacknet's training phase: trainable = candidate weights
//
// Usage (after `npm run build`):
//   node tools/bench-train.mjs [--models mlp,cnn-small] [--batches 64,128]
//        [--variants dense,packnet,wsn,ada-qpacknet,esacl,esacl-sam] [--runs 3]
//        [--samples 12800] [--warmup 5] [--lr 0.001] [--torch-threads 1] [--no-torch]
//        [--no-inference] [--inference-batch 1000] [--torch-allocator warm|default]
//        [--threads 1] [--kernels native,wasm] [--seed 0] [--help]
//
// --kernels: retain's matrix-product / convolution / Adam kernels to measure, interleaved
// in one process (core's setNativeBlasKernels): `native` (the optional native BLAS addon,
// see packages/core/README.md) and `wasm` (retain's wasm kernels). Default: both when the
// addon is active, else wasm only.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseToolArgs, usageError } from './bench/cli-args.mjs';
import { loadBenchData, runTorchTrain, torchDataDir, removeBlasOverrides } from './bench/torch-harness.mjs';

const VARIANTS = ['dense', 'packnet', 'wsn', 'ada-qpacknet', 'esacl', 'esacl-sam'];
const args = parseToolArgs(import.meta.url, {
  models: { type: 'string', default: 'mlp,cnn-small' },
  batches: { type: 'string', default: '64,128' },
  variants: { type: 'string', default: VARIANTS.join(',') },
  runs: { type: 'string', default: '3' },
  samples: { type: 'string', default: '12800' },
  warmup: { type: 'string', default: '5' },
  lr: { type: 'string', default: '0.001' },
  'torch-threads': { type: 'string', default: '1' },
  'torch-allocator': { type: 'string', default: 'warm' },
  'no-torch': { type: 'boolean', default: false },
  'no-inference': { type: 'boolean', default: false },
  'inference-batch': { type: 'string', default: '1000' },
  threads: { type: 'string', default: '1' },
  kernels: { type: 'string', default: '' },
  seed: { type: 'string', default: '0' },
});
/** The value of numeric option `name`, exiting 2 with the usage unless it is a number (>= `min`). */
function numberArg(name, min) {
  const v = Number(args[name]);
  if (args[name].trim() === '' || !Number.isFinite(v) || v < min) usageError(import.meta.url, `--${name} must be a number >= ${min}, got '${args[name]}'`);
  return v;
}
const models = args.models.split(',');
for (const m of models) if (m !== 'mlp' && m !== 'cnn-small') usageError(import.meta.url, `unknown model '${m}' (one of mlp, cnn-small)`);
const batches = args.batches.split(',').map((b) => {
  const v = Number(b);
  if (!Number.isInteger(v) || v < 1) usageError(import.meta.url, `--batches must be positive integers, got '${args.batches}'`);
  return v;
});
const variants = args.variants.split(',');
for (const v of variants) if (!VARIANTS.includes(v)) usageError(import.meta.url, `unknown variant '${v}' (one of ${VARIANTS.join(', ')})`);
if (args['torch-allocator'] !== 'warm' && args['torch-allocator'] !== 'default') usageError(import.meta.url, `--torch-allocator must be warm or default, got '${args['torch-allocator']}'`);
const runs = numberArg('runs', 1);
const lr = numberArg('lr', 0);
const warmup = numberArg('warmup', 0);
const seed = numberArg('seed', 0);
const samples = numberArg('samples', 1);
const inferenceBatch = numberArg('inference-batch', 1);
const wasmThreads = numberArg('threads', 1);
numberArg('torch-threads', 1);
/** Timed passes over the test set per inference measurement (after one untimed pass). */
const INFERENCE_PASSES = 3;
const load = () => loadavg()[0].toFixed(2);

const root = resolve(import.meta.dirname, '..');
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;
for (const pkg of ['core', 'scenarios', 'pruning', 'strategies']) {
  if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(`bench-train: packages/${pkg}/dist is missing; run \`npm run build\` first`);
    process.exit(2);
  }
}
const { tf, initBackend, createModel, Rng, setNativeBlasKernels } = await import(dist('core'));
const { loadDataset } = await import(dist('scenarios'));
const { wsnMaskedWeight } = await import(dist('pruning'));
const { gradientStep, ManagedOptimizer, samTrainingPlugin } = await import(dist('strategies'));


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
      p.setMasks({ visible: maskTensor(p.shape, () => true), trainable: maskTensor(p.shape, free), trainableIn: 'optimizer' });
    } else if (variant === 'ada-qpacknet') {
      // AdaQPacknetStrategy.installMasks, phase 'training': trainable = candidates.
      p.setMasks({ trainable: maskTensor(p.shape, free), trainableIn: 'optimizer' });
    } else if (variant === 'wsn') {
      // WsnStrategy.installMasks for the active task: one op, trainable = the free weights.
      const freeMask = tf.keep(maskTensor(p.shape, free));
      const scores = tf.tidy(() => tf.variable(tf.randomNormal([...p.shape], 0, 0.01, 'float32', rng.nextUint32()), true, `${p.name}/wsn-scores`));
      p.setTransform({
        apply: (w) => wsnMaskedWeight(w, scores, 0.5, { trainable: freeMask }),
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
  const parameterOf = new Map([...net.parameters().values()].map((p) => [p.variable, p]));
  const spec = {
    info: trainingInfo(net, optimizer), plugins, forward, variables: net.trainableVariables(0), optimizer,
    weightDecay: 0, weightDecayMode: 'l2', decayScope: () => 'all',
    // As BaseStrategy: the trainable masks set with trainableIn 'optimizer' go to the optimiser
    // (parameters looked up in a map built once, as BaseStrategy's index does).
    gradientMask: (v) => parameterOf.get(v)?.optimizerMask,
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

/**
 * Inference samples/s of a stored Ada-QPacknet task: every shared kernel a
 * constant (4-bit dequantised) tensor, the test set in batches of
 * `inferenceBatch` made into tensors before timing, no tape; one untimed pass,
 * then the median of INFERENCE_PASSES timed passes (wall and per CPU second).
 */
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
  const batchesOfTest = [];
  for (let i = 0; i < data.nTest; i += inferenceBatch) {
    const m = Math.min(inferenceBatch, data.nTest - i);
    batchesOfTest.push({ x: tf.tensor(data.xt.subarray(i * per, (i + m) * per), [m, ...shape]), y: tf.tensor1d(data.yt.subarray(i, i + m), 'int32') });
  }
  const pass = () => {
    let correct = 0;
    for (const { x, y } of batchesOfTest) {
      correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(net.apply(x, { taskId: 0 }), 1), y), 'int32')).dataSync()[0]);
    }
    return correct;
  };
  const accuracy = pass() / data.nTest;
  const wall = [];
  const cpu = [];
  for (let k = 0; k < INFERENCE_PASSES; k++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    pass();
    const seconds = (performance.now() - start) / 1000;
    const c = process.cpuUsage(cpu0);
    wall.push(data.nTest / seconds);
    cpu.push(data.nTest / ((c.user + c.system) / 1e6));
  }
  for (const { x, y } of batchesOfTest) tf.dispose([x, y]);
  net.dispose();
  return { samplesPerSec: median(wall), cpuSamplesPerSec: median(cpu), accuracy, leaked: tf.memory().numTensors - before, load: load() };
}

function trainTorch(model, batch, dir) {
  const threads = args['torch-threads'];
  const argv = [dir, model, batch, lr, threads, warmup, 0, inferenceBatch, INFERENCE_PASSES];
  return { ...runTorchTrain(argv, threads, { allocator: args['torch-allocator'] }), load: load() };
}


// The same OpenBLAS for both systems: the machine-wide OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE that
// runTorchTrain removes for PyTorch are removed here too, before core's addon loads OpenBLAS.
const removedBlasEnv = removeBlasOverrides();
const backend = await initBackend('wasm', { wasmThreads });
const data = await loadBenchData({ loadDataset, Rng, seed, count: samples });
const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown CPU';
console.log(`machine: ${cpuModel}, ${(await import('node:os')).cpus().length} logical CPUs, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log(`data: ${data.source}; ${data.n} training samples per run (+${warmup} warm-up steps), Adam lr ${lr}, same order for both systems`);
console.log(`retain: tfjs ${tf.version.tfjs} ${backend.name} (SIMD ${backend.simd}, ${backend.threads} thread(s)), kernels: ${backend.trainingKernels.join(', ')}`);
const blas = backend.nativeBlas;
if (removedBlasEnv.length > 0) console.log(`removed for both systems: ${removedBlasEnv.join(' ')}`);
console.log(`native BLAS: ${blas.active ? `${blas.library} (${blas.config ?? 'no build string'}; ${blas.threads ?? '?'} thread(s)) for ${blas.kernels.join(', ')}` : `inactive (${blas.reason})`}`);
const kernelSets = (args.kernels || (blas.active ? 'native,wasm' : 'wasm')).split(',');
for (const k of kernelSets) {
  if (k !== 'native' && k !== 'wasm') usageError(import.meta.url, `--kernels: expected native and/or wasm, got '${k}'`);
  if (k === 'native' && !blas.active) usageError(import.meta.url, `--kernels native: the native BLAS addon is not active (${blas.reason})`);
}
/** Each measured configuration: a kernel set and a variant. */
const configs = kernelSets.flatMap((kernels) => variants.map((variant) => ({ kernels, variant, key: `${kernels} ${variant}` })));
const useKernels = (kernels) => {
  if (blas.active) setNativeBlasKernels(kernels === 'native');
};
const dir = torchDataDir(data, args['no-torch'], 'retain-bench-train-');

const rows = [];
const inference = [];
let torchInfoShown = false;
/** PyTorch's inference results of the dense model (see torch_train.py), by model. */
const torchInferenceByModel = new Map();
try {
  for (const model of models) {
    for (const batch of batches) {
      const ours = new Map(configs.map((c) => [c.key, []]));
      const theirs = [];
      // Untimed warm-up round: JIT and heap growth of every configuration before the first timed run.
      for (const c of configs) {
        useKernels(c.kernels);
        trainRetain(model, c.variant, batch, data, warmup);
      }
      for (let r = 0; r < runs; r++) {
        // Interleaved: every configuration and PyTorch once per round, so load changes hit all alike;
        // the order rotates each round, so none always runs first (after PyTorch's process).
        for (const c of [...configs.slice(r % configs.length), ...configs.slice(0, r % configs.length)]) {
          useKernels(c.kernels);
          const o = trainRetain(model, c.variant, batch, data);
          ours.get(c.key).push(o);
          console.log(`  ${model} b${batch} ${c.key} run ${r + 1}: ${o.samplesPerSec.toFixed(0)} samples/s (${o.cpuSamplesPerSec.toFixed(0)} per CPU s), loss ${o.loss.toFixed(3)}, leaked ${o.leaked}, load ${o.load}`);
        }
        if (dir) {
          const t = trainTorch(model, batch, dir);
          theirs.push(t);
          if (!torchInferenceByModel.has(model)) torchInferenceByModel.set(model, []);
          torchInferenceByModel.get(model).push(t);
          console.log(`  ${model} b${batch} PyTorch run ${r + 1}: ${t.samplesPerSec.toFixed(0)} samples/s (${t.cpuSamplesPerSec?.toFixed(0)} per CPU s), load ${t.load}`);
          if (!torchInfoShown) {
            torchInfoShown = true;
            const ob = t.openblas ? `OpenBLAS ${t.openblas.core} kernel, ${t.openblas.threads} OpenBLAS thread(s)` : 'not OpenBLAS';
            console.log(`  PyTorch: ${t.system}; BLAS ${t.blas} (${ob}); allocator: ${t.allocator}`);
          }
        }
      }
      const t = theirs.length ? median(theirs.map((x) => x.samplesPerSec)) : undefined;
      const tCpu = theirs.length ? median(theirs.map((x) => x.cpuSamplesPerSec)) : undefined;
      for (const { kernels, variant, key } of configs) {
        const denseRuns = ours.get(`${kernels} dense`);
        const os = ours.get(key);
        const wall = median(os.map((o) => o.samplesPerSec));
        const cpu = median(os.map((o) => o.cpuSamplesPerSec));
        // Overhead vs dense: the median of each round's ratio (both ran in the same round, so a load
        // change between rounds cancels), less sensitive than a ratio of medians.
        const paired = (rate) => (denseRuns ? median(os.map((o, r) => rate(denseRuns[r]) / rate(o) - 1)) : undefined);
        rows.push({ model, batch, kernels, variant, wall, cpu, torch: t, torchCpu: tCpu, overWall: paired((o) => o.samplesPerSec), overCpu: paired((o) => o.cpuSamplesPerSec), loads: os.map((o) => o.load).join('/') });
      }
    }
    if (!args['no-inference']) {
      const res = [];
      useKernels(kernelSets[0]);
      for (let r = 0; r < runs; r++) {
        const o = inferenceAdaQPacknet(model, data);
        res.push(o);
        console.log(`  ${model} inference run ${r + 1}: ${o.samplesPerSec.toFixed(0)} samples/s (${o.cpuSamplesPerSec.toFixed(0)} per CPU s), accuracy ${o.accuracy.toFixed(3)}, leaked ${o.leaked}, load ${o.load}`);
      }
      const ti = torchInferenceByModel.get(model) ?? [];
      for (const t of ti) console.log(`  ${model} PyTorch inference: ${t.inferenceSamplesPerSec.toFixed(0)} samples/s (${t.inferenceCpuSamplesPerSec.toFixed(0)} per CPU s), batch ${t.inferenceBatch}, load ${t.load}`);
      inference.push({
        model, retain: median(res.map((x) => x.samplesPerSec)), retainCpu: median(res.map((x) => x.cpuSamplesPerSec)),
        torch: ti.length ? median(ti.map((t) => t.inferenceSamplesPerSec)) : undefined, torchCpu: ti.length ? median(ti.map((t) => t.inferenceCpuSamplesPerSec)) : undefined,
        loads: res.map((x) => x.load).join('/'), leaked: res.map((x) => x.leaked).join('/'),
      });
    }
  }
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

const fmt = (v, d = 0) => (v === undefined || v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const pct = (v) => (v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`);
console.log(`\n| model | batch | kernels | variant | retain samples/s | per CPU s | PyTorch samples/s | per CPU s | retain / PyTorch (wall) | (CPU) | step time vs dense (wall) | (CPU) | load 1-min |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.batch} | ${r.kernels} | ${r.variant} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.torch)} | ${fmt(r.torchCpu)} | ${r.torch ? (r.wall / r.torch).toFixed(2) : 'n/a'} | ${r.torchCpu ? (r.cpu / r.torchCpu).toFixed(2) : 'n/a'} | ${r.variant === 'dense' ? '-' : pct(r.overWall)} | ${r.variant === 'dense' ? '-' : pct(r.overCpu)} | ${r.loads} |`,
  );
}
console.log(`(medians of ${runs} run(s) of ${data.n} samples each; step time vs dense: median over rounds of the paired ratio; PyTorch trains the dense model)`);
if (inference.length > 0) {
  console.log(`\n| model | retain: stored Ada-QPacknet task, inference samples/s | per CPU s | PyTorch dense, inference_mode | per CPU s | retain / PyTorch (wall) | (CPU) | load 1-min | leaked |`);
  console.log(`|---|---|---|---|---|---|---|---|---|`);
  for (const r of inference) {
    console.log(`| ${r.model} | ${fmt(r.retain)} | ${fmt(r.retainCpu)} | ${fmt(r.torch)} | ${fmt(r.torchCpu)} | ${r.torch ? (r.retain / r.torch).toFixed(2) : 'n/a'} | ${r.torchCpu ? (r.retainCpu / r.torchCpu).toFixed(2) : 'n/a'} | ${r.loads} | ${r.leaked} |`);
  }
  console.log(`(retain kernels: ${kernelSets[0]}; batches of ${inferenceBatch}, inputs made tensors before timing, no gradients, one untimed pass, median of ${INFERENCE_PASSES} timed passes per run; retain: median of ${runs} run(s); PyTorch: median over its training runs' processes; PyTorch allocator: ${args['torch-allocator']})`);
}
