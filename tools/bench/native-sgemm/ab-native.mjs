#!/usr/bin/env node
// A/B of the proposed next design: the wasm backend's BatchMatMul replaced by
// OpenBLAS' cblas_sgemm called through a N-API addon directly on the wasm heap
// (zero copy), against retain's current wasm kernels, in the shared training
// step (strategies' gradientStep + ManagedOptimizer), interleaved in one process.
// A prototype for measurement only: see README.md here (build first).
// Usage: OPENBLAS_NUM_THREADS=1 node tools/bench/native-sgemm/ab-native.mjs [mlp|cnn-small] [batch] [steps] [rounds]
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = import.meta.dirname;
const root = resolve(here, '..', '..', '..');
const addonPath = join(here, 'build', 'sgemm.node');
if (!existsSync(addonPath)) {
  console.error(`ab-native: ${addonPath} is missing; build it as README.md says`);
  process.exit(2);
}
const addon = createRequire(import.meta.url)(addonPath);
addon.setThreads(Number(process.env.NATIVE_THREADS ?? 1));
const d = (p) => pathToFileURL(join(root, 'packages', p, 'dist', 'index.js')).href;
const { tf, initBackend, createModel, Rng } = await import(d('core'));
const { gradientStep, ManagedOptimizer } = await import(d('strategies'));
await initBackend('wasm');
const ours = tf.getKernel('BatchMatMul', 'wasm');
const nativeKernel = { ...ours, kernelFunc: (args) => {
  const { inputs, backend, attrs } = args; const a = inputs.a, b = inputs.b;
  const ta = !!attrs.transposeA, tb = !!attrs.transposeB; const ra = a.shape.length, rb = b.shape.length;
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1), batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (a.dtype !== 'float32' || ra !== rb || batchA !== batchB) return ours.kernelFunc(args);
  const M = ta ? a.shape[ra - 1] : a.shape[ra - 2], K = ta ? a.shape[ra - 2] : a.shape[ra - 1], N = tb ? b.shape[rb - 2] : b.shape[rb - 1];
  const out = backend.makeOutput([...a.shape.slice(0, -2), M, N], 'float32');
  const off = (t) => backend.dataIdMap.get(t.dataId).memoryOffset;
  addon.sgemm(backend.wasm.HEAPU8.buffer, off(a), off(b), off(out), M, N, K, ta ? 1 : 0, tb ? 1 : 0, batchA);
  return out;
} };
// parity check
{ const a = tf.randomUniform([3, 37, 21]), b = tf.randomUniform([3, 45, 21]); tf.unregisterKernel('BatchMatMul', 'wasm'); tf.registerKernel(nativeKernel); const n = tf.matMul(a, b, false, true).dataSync(); tf.unregisterKernel('BatchMatMul', 'wasm'); tf.registerKernel(ours); const w = tf.matMul(a, b, false, true).dataSync(); let e = 0; for (let i = 0; i < n.length; i++) e = Math.max(e, Math.abs(n[i] - w[i])); console.log('native vs wasm max abs diff', e); }
const use = (k) => { tf.unregisterKernel('BatchMatMul', 'wasm'); tf.registerKernel(k); };
const model = process.argv[2] ?? 'mlp'; const batch = Number(process.argv[3] ?? 128); const steps = Number(process.argv[4] ?? 40);
const shape = model === 'mlp' ? [784] : [28, 28, 1]; const per = 784;
const rng = Rng.fromSeed(1); const X = Float32Array.from({ length: batch * per * 8 }, () => rng.nextFloat()); const Y = Int32Array.from({ length: batch * 8 }, () => rng.nextInt(10));
function run(kind) {
  use(kind === 'native' ? nativeKernel : ours);
  const net = createModel(model, { inputShape: shape, numClasses: 10, seed: 0, init: 'torch' });
  const optimizer = new ManagedOptimizer({ kind: 'adam', learningRate: 1e-3 });
  const spec = { info: { taskId: 0 }, plugins: [], forward: (x, t, tr) => net.apply(x, { taskId: t, training: tr }), variables: net.trainableVariables(0), optimizer, weightDecay: 0, weightDecayMode: 'l2', decayScope: () => 'all' };
  const step = (s) => { const i = s % 8; const b = { x: tf.tensor(X.subarray(i * batch * per, (i + 1) * batch * per), [batch, ...shape]), y: tf.tensor1d(Y.subarray(i * batch, (i + 1) * batch), 'int32'), size: batch }; const l = gradientStep(spec, b); b.x.dispose(); b.y.dispose(); return l; };
  for (let s = 0; s < 5; s++) step(s);
  const c0 = process.cpuUsage(); const t0 = performance.now(); let loss;
  for (let s = 0; s < steps; s++) loss = step(s);
  const wall = performance.now() - t0; const c = process.cpuUsage(c0);
  optimizer.dispose(); net.dispose();
  return { wall: steps * batch / wall * 1000, cpu: steps * batch / ((c.user + c.system) / 1000) * 1000, loss };
}
const kinds = ['wasm', 'native']; const res = { wasm: [], native: [] };
for (let r = 0; r < Number(process.argv[5] ?? 4); r++) for (const k of r % 2 ? [...kinds].reverse() : kinds) { const o = run(k); res[k].push(o); console.log(k, o.wall.toFixed(0), 'wall', o.cpu.toFixed(0), 'cpu samples/s', 'loss', o.loss.toFixed(4), 'load', loadavg()[0].toFixed(2)); }
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
for (const k of kinds) console.log(k, 'median wall', med(res[k].map((o) => o.wall)).toFixed(0), 'cpu', med(res[k].map((o) => o.cpu)).toFixed(0));
