#!/usr/bin/env node
// Core training benchmark: trains the MLP (784-400-400-10) and cnn-small one
// epoch on Fashion-MNIST with retain (wasm backend + retain's kernels) and, in
// the same run, the same models in PyTorch CPU (Debian's python3-torch, run by
// /usr/bin/python3), with the same batch, Adam learning rate and data order.
// Prints samples/s of both and the ratio. Installs nothing itself. PyTorch runs
// with a warm glibc heap unless --torch-allocator default (see
// tools/bench/torch_train.py: with glibc's defaults it re-faults its large
// activations every step).
//
// Usage (after `npm run build`):
//   node tools/bench-core.mjs [--models mlp,cnn-small] [--batch 128] [--lr 0.001]
//        [--runs 1] [--samples 60000] [--torch-threads 1] [--torch-allocator warm|default]
//        [--no-torch] [--seed 0] [--help]
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseToolArgs, usageError } from './bench/cli-args.mjs';
import { loadBenchData, runTorchTrain, torchDataDir, removeBlasOverrides } from './bench/torch-harness.mjs';

const args = parseToolArgs(import.meta.url, {
  models: { type: 'string', default: 'mlp,cnn-small' },
  batch: { type: 'string', default: '128' },
  lr: { type: 'string', default: '0.001' },
  runs: { type: 'string', default: '1' },
  samples: { type: 'string', default: '60000' },
  'torch-threads': { type: 'string', default: '1' },
  'torch-allocator': { type: 'string', default: 'warm' },
  'no-torch': { type: 'boolean', default: false },
  seed: { type: 'string', default: '0' },
});
/** The value of numeric option `name`, exiting 2 with the usage unless it is a number (>= `min`). */
function numberArg(name, min) {
  const v = Number(args[name]);
  if (args[name].trim() === '' || !Number.isFinite(v) || v < min) usageError(import.meta.url, `--${name} must be a number >= ${min}, got '${args[name]}'`);
  return v;
}
const batch = numberArg('batch', 1);
const lr = numberArg('lr', 0);
const runs = numberArg('runs', 1);
const seed = numberArg('seed', 0);
const samples = numberArg('samples', 1);
numberArg('torch-threads', 1);
const models = args.models.split(',');
for (const m of models) if (m !== 'mlp' && m !== 'cnn-small') usageError(import.meta.url, `unknown model '${m}' (one of mlp, cnn-small)`);
const allocator = args['torch-allocator'];
if (allocator !== 'warm' && allocator !== 'default') usageError(import.meta.url, `--torch-allocator must be warm or default, got '${allocator}'`);

const root = resolve(import.meta.dirname, '..');
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;
for (const pkg of ['core', 'scenarios']) {
  if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(`bench-core: packages/${pkg}/dist is missing; run \`npm run build\` first`);
    process.exit(2);
  }
}
const { tf, initBackend, createModel, Rng } = await import(dist('core'));
const { loadDataset } = await import(dist('scenarios'));


function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function inputShape(model) {
  return model === 'mlp' ? [784] : [28, 28, 1];
}

function trainRetain(model, data) {
  const before = tf.memory().numTensors;
  const net = createModel(model, { inputShape: inputShape(model), numClasses: 10, seed, init: 'torch' });
  const vars = net.trainableVariables(0);
  const optimizer = tf.train.adam(lr);
  const shape = inputShape(model);
  const steps = Math.floor(data.n / batch);
  const start = performance.now();
  let lastLoss;
  for (let s = 0; s < steps; s++) {
    const xb = tf.tensor(data.x.subarray(s * batch * 784, (s + 1) * batch * 784), [batch, ...shape]);
    const yb = tf.tensor1d(data.y.subarray(s * batch, (s + 1) * batch), 'int32');
    lastLoss?.dispose();
    lastLoss = optimizer.minimize(() => {
      const logits = net.apply(xb, { taskId: 0, training: true });
      return tf.losses.softmaxCrossEntropy(tf.oneHot(yb, 10), logits);
    }, true, vars);
    tf.dispose([xb, yb]);
  }
  const finalLoss = lastLoss.dataSync()[0];
  const seconds = (performance.now() - start) / 1000;
  lastLoss.dispose();
  let correct = 0;
  for (let i = 0; i < data.nTest; i += 1000) {
    const m = Math.min(1000, data.nTest - i);
    correct += tf.tidy(() => {
      const logits = net.apply(tf.tensor(data.xt.subarray(i * 784, (i + m) * 784), [m, ...shape]), { taskId: 0 });
      return tf.equal(tf.argMax(logits, 1), tf.tensor1d(data.yt.subarray(i, i + m), 'int32')).sum().dataSync()[0];
    });
  }
  optimizer.dispose();
  net.dispose();
  const leaked = tf.memory().numTensors - before;
  return { samplesPerSec: (steps * batch) / seconds, seconds, testAccuracy: correct / data.nTest, finalLoss, leaked };
}



// The same OpenBLAS as PyTorch gets (runTorchTrain removes these for it): before core's addon loads OpenBLAS.
const removedBlasEnv = removeBlasOverrides();
const backend = await initBackend('wasm');
const data = await loadBenchData({ loadDataset, Rng, seed, count: samples });
console.log(`data: ${data.source}; ${data.n} training samples, batch ${batch}, Adam lr ${lr}, same shuffled order for both systems`);
console.log(`retain: tfjs ${tf.version.tfjs} ${backend.name} (SIMD ${backend.simd}, ${backend.threads} thread(s)), kernels: ${backend.trainingKernels.join(', ')}`);
const dir = torchDataDir(data, args['no-torch'], 'retain-bench-core-');

const rows = [];
for (const model of models) {
  const ours = [];
  const theirs = [];
  for (let r = 0; r < runs; r++) {
    const o = trainRetain(model, data);
    ours.push(o);
    console.log(`  ${model} run ${r + 1}: retain ${o.samplesPerSec.toFixed(0)} samples/s, test acc ${o.testAccuracy.toFixed(4)}, loss ${o.finalLoss.toFixed(4)}, leaked tensors ${o.leaked}`);
    if (dir) {
      const t = runTorchTrain([dir, model, batch, lr, args['torch-threads']], undefined, { allocator });
      theirs.push(t);
      console.log(`  ${model} run ${r + 1}: ${t.system} ${t.samplesPerSec.toFixed(0)} samples/s, test acc ${t.testAccuracy.toFixed(4)}`);
      if (r === 0 && rows.length === 0) {
        const reference = !/openblas|mkl|blis/i.test(t.blas);
        console.log(`  PyTorch allocator: ${t.allocator}; BLAS: ${t.blas}${reference ? ' -- the reference BLAS is slow: install libopenblas0-pthread (Debian) for a fair comparison' : ''}`);
        if (removedBlasEnv.length > 0) console.log(`  environment: ${removedBlasEnv.join(' ')} unset for both systems (they slow the current OpenBLAS)`);
      }
    }
  }
  const o = median(ours.map((x) => x.samplesPerSec));
  const t = theirs.length ? median(theirs.map((x) => x.samplesPerSec)) : undefined;
  rows.push({ model, retain: o, torch: t, accRetain: median(ours.map((x) => x.testAccuracy)), accTorch: theirs.length ? median(theirs.map((x) => x.testAccuracy)) : undefined });
}
if (dir) rmSync(dir, { recursive: true, force: true });

const fmt = (v, d = 0) => (v === undefined ? 'n/a' : v.toFixed(d));
console.log(`\n| model | retain samples/s | PyTorch samples/s | retain / PyTorch | test acc retain | test acc PyTorch |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.model} | ${fmt(r.retain)} | ${fmt(r.torch)} | ${r.torch ? (r.retain / r.torch).toFixed(2) : 'n/a'} | ${fmt(r.accRetain, 4)} | ${fmt(r.accTorch, 4)} |`);
}
console.log(`(medians of ${runs} run(s), one epoch each)`);
