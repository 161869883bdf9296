/** Shared test helpers for the session store: temp folders, fixtures, running the CLI. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHost } from '../../engine/host/validate.js';
import type { Host } from '../../engine/host/types.js';
import { FIXTURES } from '../helpers/golden.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const STORE_FIXTURES = join(FIXTURES, 'store');

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-store-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function loadFixtureHost(name: string): Host {
  const r = parseHost(JSON.parse(readFileSync(join(STORE_FIXTURES, name), 'utf8')));
  if (!r.ok) throw new Error(`fixture ${name} does not parse: ${r.problems[0].message}`);
  return r.value;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tdx-lab ARGS` from this build (tests/store/cli-entry.js) with TDX_LAB_DB unset unless given. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const base = { ...process.env };
  delete base.TDX_LAB_DB;
  const r = spawnSync(process.execPath, [join(HERE, 'cli-entry.js'), ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A deterministic xorshift generator in [0, 1). */
export function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
