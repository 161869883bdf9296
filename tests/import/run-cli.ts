/** Runs the compiled `tdx-lab` (runCli next to this build of the tests) in a child process. */
import { spawnSync } from 'node:child_process';

const CLI = new URL('../../main/cli/index.js', import.meta.url).href;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tdxLab(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): CliResult {
  const script = `const { runCli } = await import(${JSON.stringify(CLI)}); process.exitCode = await runCli(JSON.parse(process.argv[1]));`;
  const r = spawnSync(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--input-type=module', '-e', script, JSON.stringify(args)],
    {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
