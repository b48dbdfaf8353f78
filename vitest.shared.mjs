// One vitest base for every project. Cross-package imports of @retain/* resolve
// to the sibling package's src/index.ts, so tests never need a prior build.
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { defineProject } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

function workspaceAliases() {
  const aliases = {};
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const entry = join(root, group, name, 'src', 'index.ts');
      if (existsSync(entry)) aliases[`@retain/${name}`] = entry;
    }
  }
  return aliases;
}

export function projectConfig(configUrl, overrides = {}) {
  const projectRoot = dirname(fileURLToPath(configUrl));
  return defineProject({
    root: projectRoot,
    resolve: { alias: workspaceAliases() },
    test: {
      include: ['src/**/*.test.ts'],
      environment: 'node',
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      passWithNoTests: true,
      // The JSON report feeds tools/test-summary.mjs (the closing line of `npm test`).
      reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
      ...overrides,
    },
  });
}
