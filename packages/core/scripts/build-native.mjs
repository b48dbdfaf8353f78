#!/usr/bin/env node
// Builds @retain/core's optional native BLAS addon (native/*.cc ->
// native/build/retain-blas.node) with the machine's C++ compiler and Node's own
// headers: no download, no node-gyp. The addon finds a BLAS (OpenBLAS, MKL,
// BLIS, Accelerate) with dlopen when it loads, so none is needed to build it.
//
// Runs as the package's install script and never fails an install: when
// something is missing it prints one line saying what and why, and retain
// keeps training on its wasm kernels. `--strict` exits 1 instead (CI).
// RETAIN_SKIP_NATIVE_BUILD=1 skips the build; CXX picks the compiler;
// RETAIN_NODE_HEADERS names the folder holding node_api.h.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const strict = process.argv.includes('--strict');
const packageRoot = resolve(import.meta.dirname, '..');
const nativeDir = join(packageRoot, 'native');
const source = join(nativeDir, 'retain-blas.cc');
const outDir = join(packageRoot, 'native', 'build');
const output = join(outDir, 'retain-blas.node');

function give(reason) {
  const line = `@retain/core: native BLAS kernels not built (${reason}); training uses the wasm kernels`;
  if (strict) {
    console.error(line);
    process.exit(1);
  }
  console.log(line);
  process.exit(0);
}

function works(compiler) {
  try {
    execFileSync(compiler, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (process.env.RETAIN_SKIP_NATIVE_BUILD === '1') give('RETAIN_SKIP_NATIVE_BUILD=1');
if (process.platform === 'win32') give('Windows is not supported by the native addon yet');
if (!existsSync(source)) give(`${source} is missing`);
const headerDirs = [process.env.RETAIN_NODE_HEADERS, join(dirname(process.execPath), '..', 'include', 'node')].filter(Boolean);
const headers = headerDirs.find((dir) => existsSync(join(dir, 'node_api.h')));
if (headers === undefined) give(`node_api.h not found in ${headerDirs.join(', ')} (set RETAIN_NODE_HEADERS)`);
const compiler = [process.env.CXX, 'c++', 'g++', 'clang++'].filter(Boolean).find(works);
if (compiler === undefined) give('no C++ compiler (set CXX, or install g++)');

const linkFlags = process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared', '-ldl'];
const temp = `${output}.${process.pid}.tmp`;
mkdirSync(outDir, { recursive: true });
const started = Date.now();
try {
  execFileSync(
    compiler,
    [
      '-O3',
      '-std=c++17',
      '-fPIC',
      '-fno-math-errno',
      '-ffp-contract=off',
      '-Wall',
      '-DNODE_GYP_MODULE_NAME=retain_blas',
      `-I${headers}`,
      ...readdirSync(nativeDir)
        .filter((f) => f.endsWith('.cc'))
        .sort()
        .map((f) => join(nativeDir, f)),
      '-o',
      temp,
      ...linkFlags,
    ],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  renameSync(temp, output);
} catch (error) {
  rmSync(temp, { force: true });
  const stderr = String(error.stderr ?? error.message).trim().split('\n').slice(0, 3).join(' | ');
  give(`${compiler} failed: ${stderr}`);
}
console.log(`@retain/core: built ${output} with ${compiler} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
