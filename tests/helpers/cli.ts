/** Runs the real `tdx-lab` executable (bin/tdx-lab.js over the built dist/) as a child process. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './golden.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const TDX_LAB_BIN = join(PROJECT_ROOT, 'bin', 'tdx-lab.js');

export function runTdxLab(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): CliRun {
  const r = spawnSync(process.execPath, [TDX_LAB_BIN, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
