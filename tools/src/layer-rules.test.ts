// Proves that lint enforces the layer diagram of ARCHITECTURE.md: each import
// below is linted as if it were written in the given package's source.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function lintImport(pkg: string, code: string): Promise<string[]> {
  const filePath = join(root, pkg, 'src', '__layer_probe__.ts');
  const [result] = await eslint.lintText(`${code}\nexport const probe = typeof dep;\n`, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const boundaries = '@nx/enforce-module-boundaries';

describe('layer rules (eslint)', () => {
  it.each([
    ['packages/core', '@retain/masks'],
    ['packages/core', '@retain/strategies'],
    ['packages/masks', '@retain/scenarios'],
    ['packages/pruning', '@retain/quantization'],
    ['packages/scenarios', '@retain/pruning'],
    ['packages/evaluation', '@retain/strategies'],
    ['packages/strategies', '@retain/evaluation'],
  ])('%s may not import %s', async (pkg, target) => {
    const messages = await lintImport(pkg, `import * as dep from '${target}';`);
    expect(messages.some((m) => m.startsWith(boundaries))).toBe(true);
  });

  it.each([
    ['packages/masks', '@retain/core'],
    ['packages/scenarios', '@retain/core'],
    ['packages/strategies', '@retain/masks'],
    ['packages/strategies', '@retain/pruning'],
    ['packages/evaluation', '@retain/scenarios'],
    ['apps/runner', '@retain/strategies'],
    ['apps/runner', '@retain/evaluation'],
  ])('%s may import %s', async (pkg, target) => {
    const messages = await lintImport(pkg, `import * as dep from '${target}';`);
    expect(messages).toEqual([]);
  });

  it.each([
    ['packages/strategies', '@retain/core/src/tf.js'],
    ['packages/masks', '@retain/core/dist/index.js'],
  ])("%s may not reach into another package's internals (%s)", async (pkg, target) => {
    const messages = await lintImport(pkg, `import * as dep from '${target}';`);
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('strategies use scenarios for types only', async () => {
    const valueImport = await lintImport('packages/strategies', `import * as dep from '@retain/scenarios';`);
    expect(valueImport.some((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
    const typeImport = await lintImport('packages/strategies', `import type * as dep from '@retain/scenarios';`);
    expect(typeImport).toEqual([]);
  });
});
