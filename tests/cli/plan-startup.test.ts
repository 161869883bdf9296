/**
 * `tdx-lab plan` loads only what it needs: a good host file is read,
 * checked and planned without zod, SQLite, the worker pool or any other
 * command's modules; a bad one still gets the schema's message. The other
 * commands are still all there for help and suggestions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { TDX_LAB_BIN, runTdxLab } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-startup-'));
const SAMPLE = join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json');

/** Runs the CLI with a module-resolution hook that lists every module it loads. */
function modulesLoaded(args: string[]): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const list = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.TDX_LAB_TEST_MODULES, r.url + '\\n');
  return r;
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(list, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, TDX_LAB_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TDX_LAB_TEST_MODULES: list },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules: readFileSync(list, 'utf8').split('\n') };
}

const HEAVY = [
  /\/node_modules\/zod\//,
  /better-sqlite3/,
  /piscina/,
  /cli-progress/,
  /\/main\/store\//,
  /\/main\/report\//,
];

test('plan --json on a good host loads no schema, no store, no pool, no other command', () => {
  const r = modulesLoaded(['plan', '--json', SAMPLE]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(JSON.parse(r.stdout).ok, true);
  assert.ok(
    r.modules.some((m) => m.endsWith('/dist/engine/kernel/construct.js')),
    'the hook saw the modules',
  );
  for (const heavy of HEAVY) {
    assert.deepEqual(
      r.modules.filter((m) => heavy.test(m)),
      [],
      `${heavy} is not loaded`,
    );
  }
  const commands = r.modules.filter((m) => /\/dist\/main\/cli\/commands\/[a-z-]+\.js$/.test(m));
  assert.deepEqual(commands.map((m) => m.replace(/.*\/commands\//, '')).sort(), [
    'db-option.js',
    'index.js',
    'plan.js',
  ]);
  // Without --json the readable summary runs the init flow too; still no store or pool.
  const text = modulesLoaded(['plan', SAMPLE]);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /TDMR/);
  for (const heavy of HEAVY)
    assert.deepEqual(
      text.modules.filter((m) => heavy.test(m)),
      [],
    );
});

test('plan on a host of the wrong shape loads the schema to word the problem, with the JSON path', () => {
  const host = JSON.parse(readFileSync(SAMPLE, 'utf8'));
  host.memblock[1].nid = 'zero';
  const file = join(dir, 'wrong-type.json');
  writeFileSync(file, JSON.stringify(host));
  const r = modulesLoaded(['plan', '--json', file]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^tdx-lab: .*wrong-type\.json: \$\.memblock\[1\]\.nid: /);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.ok(r.modules.some((m) => /\/node_modules\/zod\//.test(m)));
});

test('every command is still listed by --help, and a typo still gets a suggestion', () => {
  const help = runTdxLab(['--help']);
  assert.equal(help.status, 0);
  for (const name of ['plan', 'import', 'check', 'record', 'simulate', 'serve', 'sweep', 'report', 'session']) {
    assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), name);
  }
  const typo = runTdxLab(['pla', 'x.json']);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /unknown command 'pla'[\s\S]*Did you mean plan\?/);
  const sub = runTdxLab(['help', 'sweep']);
  assert.equal(sub.status, 0);
  assert.match(sub.stdout, /Usage: tdx-lab sweep/);
});
