/**
 * ESLint (flat config): the recommended JavaScript and typescript-eslint rules plus a few this
 * codebase already follows, and the design's import boundaries (docs/ARCHITECTURE.md) written with
 * core ESLint's no-restricted-imports per folder. test/unit/build/import-boundaries.test.ts checks the
 * same boundaries on the whole import graph; test/unit/build/lint-boundaries.test.ts checks that
 * these rules catch them.
 *
 * Type-aware rules (promise mistakes) run only on the UI, the shell, the preload and the IPC contract,
 * where a forgotten promise loses a user's action, each against its own tsconfig: building those two
 * programs is most of their cost, and it keeps `npm run lint` to seconds.
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx'];

const electronOnlyAsTypes = {
  paths: [{ name: 'electron', allowTypeImports: true, message: 'Only main/electron and preload load Electron at run time; elsewhere use `import type`.' }],
  patterns: [{ regex: '^electron/', allowTypeImports: true, message: 'Only main/electron and preload load Electron at run time.' }],
};

const noElectron = (where) => ({
  paths: [{ name: 'electron', message: `${where} never imports Electron, not even its types.` }],
  patterns: [{ regex: '^electron/', message: `${where} never imports Electron.` }],
});

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

/** The renderer talks only to window.kizuna: no Node, no Electron, nothing from main/. */
const rendererImports = {
  paths: [...noElectron('The renderer').paths, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer never uses Node.' }))],
  patterns: [
    ...noElectron('The renderer').patterns,
    { regex: '^node:', message: 'The renderer never uses Node.' },
    { regex: '^(\\.\\./)+main/', message: 'The renderer reaches the core only through window.kizuna (shared/ipc).' },
  ],
};

/** The sandboxed preload bundles what it imports: shared/ and electron, nothing else. */
const preloadImports = {
  patterns: [
    { regex: '^(?!electron$|\\.)', message: 'The preload imports only electron and shared/.' },
    { regex: '^\\.\\./(?!shared/)', message: 'The preload imports only electron and shared/.' },
  ],
};

export default defineConfig(
  { ignores: ['dist/**', 'out/**', 'release/**', '.vite/**', 'coverage/**', 'test-results/**', 'bench/results/**', '.tmp/**', 'build/missing-optional/**'] },
  // An eslint-disable comment must silence a real finding, or go.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: TS,
    rules: {
      eqeqeq: ['error', 'always'],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
      // `import { type X }` still loads the module at run time (verbatimModuleSyntax): type-only means `import type`.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      'no-restricted-imports': ['error', electronOnlyAsTypes],
    },
  },
  // What the UI, the shell and the preload bundle should not load for a type alone.
  {
    files: ['renderer/**', 'preload/**', 'shared/**', 'main/electron/**', 'main/host/browser/**'],
    rules: { '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }] },
  },
  // Tools read their config from a default export.
  { files: ['vite.config.ts', 'vitest.config.ts'], rules: { 'no-restricted-exports': 'off' } },
  { files: ['main/core/**'], rules: { 'no-restricted-imports': ['error', noElectron('main/core')] } },
  { files: ['renderer/**'], rules: { 'no-restricted-imports': ['error', rendererImports] } },
  { files: ['main/electron/**'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['preload/**'], rules: { 'no-restricted-imports': ['error', preloadImports] } },
  typeAware(['renderer/**/*.{ts,tsx}', 'shared/ipc/**/*.ts'], 'tsconfig.renderer.json'),
  typeAware(['main/electron/**/*.ts', 'preload/**/*.ts'], 'tsconfig.electron.json'),
);

/** Promise mistakes (a forgotten await, a promise where a callback returns nothing), checked against `project`'s types. */
function typeAware(files, project) {
  return {
    files,
    languageOptions: { parserOptions: { project: `./${project}`, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  };
}
