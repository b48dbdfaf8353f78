#!/usr/bin/env node
// Packs every publishable package with `npm pack`, installs each tarball (with
// the tarballs of the @retain packages it depends on, nothing else of the
// workspace) into an empty temporary project, and imports it there. A package
// that only works inside the monorepo (missing file in `files`, a dependency
// not declared, an import of a source path) fails here.
// Run after `nx run-many -t build`. Usage: node tools/check-packs.mjs [--keep]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'retain-packs-'));

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const packages = new Map();
for (const dir of readdirSync(join(root, 'packages'))) {
  const pj = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  if (!pj.private) packages.set(pj.name, { dir: join(root, 'packages', dir), pj });
}

// Pack each package.
for (const [name, info] of packages) {
  if (!existsSync(join(info.dir, 'dist', 'index.js'))) {
    throw new Error(`${name}: dist/index.js is missing, build first (npx nx run-many -t build)`);
  }
  const out = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], info.dir));
  info.tarball = join(work, out[0].filename);
  info.files = out[0].files.map((f) => f.path);
}

function internalClosure(name, seen = new Set()) {
  for (const dep of Object.keys(packages.get(name).pj.dependencies ?? {})) {
    if (packages.has(dep) && !seen.has(dep)) {
      seen.add(dep);
      internalClosure(dep, seen);
    }
  }
  return seen;
}

let failures = 0;
for (const [name, info] of packages) {
  const project = join(work, `consumer-${name.replace('@retain/', '')}`);
  sh('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const tarballs = [info.tarball, ...[...internalClosure(name)].map((d) => packages.get(d).tarball)];
  try {
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], project);
    const probe = `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length);`;
    const exported = sh('node', ['--input-type=module', '-e', probe], project).trim();
    const leaked = info.files.filter((f) => f.startsWith('src/') || f.endsWith('.test.js') || f.endsWith('.test.d.ts'));
    if (leaked.length > 0) throw new Error(`tarball ships source or test files: ${leaked.join(', ')}`);
    console.log(`ok   ${name}: packed ${info.files.length} files, installed alone with ${tarballs.length - 1} internal dependencies, import exposes ${exported} names`);
  } catch (error) {
    failures++;
    const detail = error.stderr ? String(error.stderr).trim() : String(error.message ?? error);
    console.error(`FAIL ${name}: ${detail}`);
  }
}

if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
console.log(`pack check: ${packages.size - failures} of ${packages.size} packages install and import alone`);
process.exit(failures === 0 ? 0 : 1);
