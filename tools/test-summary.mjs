#!/usr/bin/env node
// Sums the vitest JSON reports of every project (written by vitest.shared.mjs)
// into one closing line: "tests: N passed, N failed[, N skipped]".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const reports = ['tools'];
for (const group of ['packages', 'apps']) for (const name of readdirSync(join(root, group))) reports.push(join(group, name));

let passed = 0;
let failed = 0;
let skipped = 0;
for (const project of reports) {
  const file = join(root, project, 'test-results', 'vitest.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  console.log(`${project}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
