// One lint setup for the whole project (typescript-eslint, flat config).
// The import rules enforce where code may run: engine/ and renderer/ never
// see Node or Electron; only main/electron-main and the preload import electron.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'url'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', 'test-artifacts/**', '**/*.svelte', 'resources/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['engine/**/*.ts', 'renderer/**/*.ts', 'main/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeBuiltins, 'electron', 'better-sqlite3', 'piscina'], message: 'engine/, renderer/ and main/common/ must run in a browser and in workers: no Node or Electron imports.' }] },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron-main/**', 'main/electron-preload/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/electron-main and main/electron-preload import electron.' }] }],
    },
  },
);
