// One lint setup for the whole project (typescript-eslint + eslint-plugin-svelte, flat config).
// The import rules enforce where code may run (VS Code's runtime split):
//   engine/        pure: no Node, no Electron, nothing from main/ or renderer/;
//   main/common/   browser-safe: no Node, no Electron (the renderer bundles it);
//   renderer/      the browser and the typed contract: from main/ only main/common, and never the
//                  emulator itself (it runs in the Node side's worker pool, not on the UI thread);
//   electron       only main/electron-main and main/electron-preload import it.
// Each `files` block below owns no-restricted-imports for its files alone: a later block
// that matched the same files would replace the rule, so the blocks never overlap.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'stream',
  'zlib',
  'util',
  'events',
  'buffer',
];
const nodeOnlyPackages = [
  'better-sqlite3',
  'piscina',
  'linkedom',
  'playwright-core',
  'ws',
  'commander',
  'cli-progress',
];
const noNode = {
  group: [...nodeBuiltins, ...nodeOnlyPackages, 'electron'],
  message: 'This code runs in a browser and in workers: no Node or Electron imports.',
};
const noMainOrRenderer = {
  regex: '(^|/)(main|renderer)(/|$)',
  message:
    'engine/ is the bottom layer: it imports nothing from main/ or renderer/ (types flow down: define them in engine/).',
};
const onlyMainCommon = {
  regex: '(^|/)main/(?!common/)',
  message: 'renderer/ sees main/ only through the typed contract in main/common/.',
};
// The UI thread never runs the emulator: analyses come from the Node side's worker pool through
// the contract. Types from these modules are fine (allowTypeImports); their code is not.
const noEmulatorOnUiThread = {
  regex:
    '(^|/)engine/(kernel/construct|flow/|scenario/run|outcome/(analyze|emulate|trials|findings/)|module/module|hotplug/memory|sweep/chunk|import/)',
  allowTypeImports: true,
  message:
    'The renderer must not run the emulator on the UI thread: ask the API (main/common contract) for an Outcome.',
};
const noElectron = { name: 'electron', message: 'Only main/electron-main and main/electron-preload import electron.' };

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'native/build/**',
      'test-artifacts/**',
      'resources/**',
      'release/**',
      'out/**',
    ],
  },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parser: svelteParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser },
    },
    rules: {
      // The app builds its Maps and Sets inside $derived, fresh on every change and never
      // mutated afterwards; SvelteMap would only add tracking cost on 100,000-shape models.
      'svelte/prefer-svelte-reactivity': 'off',
      // {'\n'} inside <pre> is the readable way to write a line break that formatters keep.
      'svelte/no-useless-mustaches': ['error', { ignoreStringEscape: true }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noMainOrRenderer] }] },
  },
  {
    files: ['main/common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode] }] },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, onlyMainCommon, noEmulatorOnUiThread] }] },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/common/**', 'main/electron-main/**', 'main/electron-preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
);
