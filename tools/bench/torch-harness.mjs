// What tools/bench-core.mjs and tools/bench-train.mjs share: the benchmark data
// (Fashion-MNIST in a seeded order, or synthetic inputs of its shape), and the
// PyTorch side (is Debian's torch there, the data files torch_train.py reads,
// running it with OpenBLAS's environment cleaned).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Debian's interpreter, the one that sees python3-torch (see shared/notes/tooling.md). */
export const PYTHON = '/usr/bin/python3';
const TORCH_TRAIN = resolve(import.meta.dirname, 'torch_train.py');

/**
 * Fashion-MNIST as float32 in [0,1], `count` training images in the seeded
 * order of Rng stream 'shuffle', the whole test set; synthetic uniform inputs
 * of the same shape when the dataset is absent (the source says so).
 */
export async function loadBenchData({ loadDataset, Rng, seed, count }) {
  const rng = Rng.fromSeed(seed);
  try {
    const ds = await loadDataset('fashion-mnist', { download: false, progressBar: false });
    const order = rng.stream('shuffle').permutation(ds.train.count);
    const n = Math.min(count, ds.train.count);
    const x = new Float32Array(n * 784);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const src = order[i];
      for (let p = 0; p < 784; p++) x[i * 784 + p] = ds.train.images[src * 784 + p] / 255;
      y[i] = ds.train.labels[src];
    }
    const xt = Float32Array.from(ds.test.images, (v) => v / 255);
    return { source: ds.source, x, y, xt, yt: Int32Array.from(ds.test.labels), n, nTest: ds.test.count };
  } catch (error) {
    const n = Math.min(count, 60000);
    const r = rng.stream('synthetic');
    const gen = (m) => ({ x: Float32Array.from({ length: m * 784 }, () => r.nextFloat()), y: Int32Array.from({ length: m }, () => r.nextInt(10)) });
    const train = gen(n);
    const test = gen(10000);
    return {
      source: `synthetic uniform [0,1) inputs of Fashion-MNIST's shape (real data unavailable: ${error.message.split('\n')[0]})`,
      x: train.x, y: train.y, xt: test.x, yt: test.y, n, nTest: 10000,
    };
  }
}

/** true when Debian's torch imports, else why not (`skip` gives 'skipped (--no-torch)'). */
export function torchAvailable(skip) {
  if (skip) return 'skipped (--no-torch)';
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? true : 'python3-torch is not installed (Debian: apt-get install python3-torch); this script installs nothing';
}

/** Writes `data` as the raw files torch_train.py reads into a new temp folder named `prefix`...; returns the folder. */
export function writeTorchData(data, prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'train_x.f32'), data.x);
  writeFileSync(join(dir, 'train_y.i32'), data.y);
  writeFileSync(join(dir, 'test_x.f32'), data.xt);
  writeFileSync(join(dir, 'test_y.i32'), data.yt);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ train: data.n, test: data.nTest, hidden: [400, 400] }));
  return dir;
}

/**
 * The data folder for PyTorch when Debian's torch is there (see
 * {@link writeTorchData}), else undefined after printing why PyTorch is left out.
 */
export function torchDataDir(data, skip, prefix) {
  const torch = torchAvailable(skip);
  if (torch === true) return writeTorchData(data, prefix);
  console.log(`PyTorch: ${torch}`);
  return undefined;
}

/**
 * glibc malloc settings for PyTorch's process: never serve a block with its own
 * mmap and never trim the heap, so large activations reuse memory that is
 * already mapped (as tfjs-wasm's linear memory, which only grows). With glibc's
 * defaults every block above the mmap threshold (at most 32 MiB) is mapped
 * fresh and unmapped on free, so each step re-faults its large activations
 * page by page; see torch_train.py.
 */
export const WARM_GLIBC_MALLOC = 'glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295';

/**
 * Runs torch_train.py with `argv` and returns its last stdout line as JSON.
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines for older
 * OpenBLAS builds) slow the current OpenBLAS down and are removed for PyTorch
 * alone; `threads`, when given, pins OpenBLAS and OpenMP. `allocator`: 'warm'
 * (default) sets GLIBC_TUNABLES to {@link WARM_GLIBC_MALLOC} unless the caller's
 * environment sets GLIBC_TUNABLES; 'default' runs with glibc's defaults.
 */
export function runTorchTrain(argv, threads, { allocator = 'warm' } = {}) {
  if (allocator !== 'warm' && allocator !== 'default') throw new Error(`allocator must be 'warm' or 'default', got '${allocator}'`);
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads !== undefined) {
    env.OPENBLAS_NUM_THREADS = String(threads);
    env.OMP_NUM_THREADS = String(threads);
  }
  if (allocator === 'warm') env.GLIBC_TUNABLES ??= WARM_GLIBC_MALLOC;
  else delete env.GLIBC_TUNABLES;
  const r = spawnSync(PYTHON, [TORCH_TRAIN, ...argv.map(String)], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (r.error || r.status !== 0) throw new Error((r.stderr || String(r.error)).trim().split('\n').pop());
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Removes OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE from this process's environment
 * (before core's native addon loads OpenBLAS), so retain's OpenBLAS picks its
 * kernel as PyTorch's does under runTorchTrain. Returns what it removed, as
 * `NAME=value` strings, for the benchmark's header.
 */
export function removeBlasOverrides() {
  const removed = [];
  if (process.env.OPENBLAS_CORETYPE !== undefined) removed.push(`OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE}`);
  if (process.env.OPENBLAS_L2_SIZE !== undefined) removed.push(`OPENBLAS_L2_SIZE=${process.env.OPENBLAS_L2_SIZE}`);
  delete process.env.OPENBLAS_CORETYPE;
  delete process.env.OPENBLAS_L2_SIZE;
  return removed;
}
