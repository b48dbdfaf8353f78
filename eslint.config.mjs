// One flat config for the whole workspace. The layer rules of
// ../shared/ARCHITECTURE.md are enforced here by @nx/enforce-module-boundaries.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Which tags a project may import, one entry per layer of the architecture. */
export const layerConstraints = [
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:algorithm', onlyDependOnLibsWithTags: ['layer:core'] },
  { sourceTag: 'layer:data', onlyDependOnLibsWithTags: ['layer:core'] },
  { sourceTag: 'layer:strategy', onlyDependOnLibsWithTags: ['layer:core', 'layer:algorithm', 'layer:data'] },
  { sourceTag: 'layer:evaluation', onlyDependOnLibsWithTags: ['layer:core', 'layer:data'] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['layer:core', 'layer:algorithm', 'layer:data', 'layer:strategy', 'layer:evaluation'],
  },
];

/** A package's public API is its src/index.ts: no deep imports into another package. */
const noDeepImports = {
  group: ['@retain/*/**'],
  message: "import another package only through its public API ('@retain/<name>'), never its internals.",
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**', 'results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The layer rules apply to package sources; config files and tools are not projects' code.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: layerConstraints,
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noDeepImports] }],
    },
  },
  {
    // strategies may use scenarios' types, never its runtime code.
    files: ['packages/strategies/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [noDeepImports],
          paths: [
            {
              name: '@retain/scenarios',
              message: 'strategies may import @retain/scenarios for types only (import type).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
