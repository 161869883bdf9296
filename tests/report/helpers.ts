/** Report test helpers: the sample hosts, the artifacts folder, and running the CLI compiled next to these tests. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../helpers/golden.js';

/** Screenshots and reports the tests write (gitignored). */
export const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'report');
mkdirSync(ARTIFACTS, { recursive: true });

/** The sample hosts in resources/hosts, plus a golden failure case, as absolute paths. */
export function sampleHosts(): string[] {
  const dir = join(PROJECT_ROOT, 'resources', 'hosts');
  const hosts = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(dir, f))
    : [];
  return [...hosts, goldenFile('rsvd-holes-16'), goldenFile('tdmrs-65')];
}

export function goldenFile(name: string): string {
  return join(PROJECT_ROOT, 'tests', 'fixtures', 'golden', 'upstream', `${name}.json`);
}

export function sampleScenarios(): string[] {
  const dir = join(PROJECT_ROOT, 'resources', 'scenarios');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(dir, f))
    : [];
}

/** The CLI entry compiled alongside this test (dist/ or any other outDir). */
const CLI_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'main', 'cli', 'index.js');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runReportCli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  // The artifacts folder outlives a run: replacing the last run's reports is what these tests mean.
  if (args[0] === 'report' && args.includes('--out') && !args.includes('--force')) args = [...args, '--force'];
  const script = `const { runCli } = await import(${JSON.stringify(pathToFileURL(CLI_ENTRY).href)}); process.exitCode = await runCli(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: o.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...o.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
