/**
 * The runtime split is enforced by lint rules that can fail: each rule is
 * tried on a probe file that breaks it (and on one that keeps it), and the
 * app's built bundle is checked to carry none of the emulator's code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../helpers/golden.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(PROJECT_ROOT, file) });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const CASES: { file: string; code: string; rule: RegExp }[] = [
  {
    file: 'engine/zz-probe.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    rule: /no Node or Electron/,
  },
  {
    file: 'engine/outcome/zz-probe.ts',
    code: "import type { ApiMethod } from '../../main/common/api-contract.js';\nexport type X = ApiMethod;\n",
    rule: /engine\/ is the bottom layer/,
  },
  {
    file: 'engine/zz-probe.ts',
    code: "import { drawMap } from '../renderer/map/index.js';\nexport const x = drawMap;\n",
    rule: /engine\/ is the bottom layer/,
  },
  {
    file: 'main/common/zz-probe.ts',
    code: "import { join } from 'node:path';\nexport const x = join;\n",
    rule: /no Node or Electron/,
  },
  {
    file: 'renderer/src/zz-probe.ts',
    code: "import { openLabStore } from '../../main/store/lab-store.js';\nexport const x = openLabStore;\n",
    rule: /only through the typed contract/,
  },
  {
    file: 'renderer/src/zz-probe.ts',
    code: "import { analyzeHost } from '../../engine/outcome/analyze.js';\nexport const x = analyzeHost;\n",
    rule: /must not run the emulator on the UI thread/,
  },
  {
    file: 'renderer/src/zz-probe.svelte',
    code: '<script lang="ts">\n  import { planTdmrs } from \'../../engine/kernel/construct.js\';\n  planTdmrs;\n</script>\n',
    rule: /must not run the emulator on the UI thread/,
  },
  {
    file: 'main/api/zz-probe.ts',
    code: "import { app } from 'electron';\nexport const x = app;\n",
    rule: /Only main\/electron-main/,
  },
];

test('each import-direction rule fails on a probe that breaks it', async () => {
  for (const c of CASES) {
    const found = await problems(c.file, c.code);
    assert.ok(
      found.some((m) => c.rule.test(m)),
      `${c.file}: expected ${c.rule}, got ${JSON.stringify(found)}`,
    );
  }
});

test('what the split allows passes: types from the engine in the renderer, the contract, Node in main', async () => {
  const ok: { file: string; code: string }[] = [
    {
      file: 'renderer/src/zz-probe.ts',
      code: "import type { Plan } from '../../engine/kernel/construct.js';\nimport { API_METHODS } from '../../main/common/api-contract.js';\nexport const x: [Plan | null, typeof API_METHODS] = [null, API_METHODS];\n",
    },
    { file: 'main/api/zz-probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
    { file: 'main/electron-main/zz-probe.ts', code: "import { app } from 'electron';\nexport const x = app;\n" },
  ];
  for (const c of ok) assert.deepEqual(await problems(c.file, c.code), [], c.file);
});

test('the built app bundle carries none of the emulator (no engine call can run on the UI thread)', () => {
  const assets = join(PROJECT_ROOT, 'dist', 'app', 'assets');
  assert.ok(existsSync(assets), 'npm run build puts the renderer bundle in dist/app');
  const js = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
  // Strings only the emulator's code holds: kernel log lines and module check code.
  for (const s of [
    'unable to find local NUMA node for PAMT allocation',
    'consumed TDMRs reaching limit',
    'KB allocated for PAMT',
    'online_pages [mem',
  ]) {
    assert.ok(!js.includes(s), `the renderer bundle contains emulator code ("${s}")`);
  }
});
