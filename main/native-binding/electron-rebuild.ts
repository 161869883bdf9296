/**
 * The real builder for ensure.ts: @electron/rebuild, run in a child process
 * (scripts/electron-rebuild-child.mjs) on one staged module. Its chatter and
 * node-gyp's go to a log file; a failure comes back as one line naming the
 * cause and the log. The child is killed (with its compilers) after a timeout.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { explainBuildFailure } from './build-failure.js';
import type { Builder, BuildJob } from './ensure.js';
import { readBounded } from './tree-facts.js';

export interface ElectronRebuildOptions {
  /** scripts/electron-rebuild-child.mjs */
  childScript: string;
  logFile: string;
  /** Skip prebuild-install's download of a prebuilt binary; compile with node-gyp. */
  buildFromSource?: boolean;
  /** Where Electron's headers come from (default: @electron/rebuild's, electronjs.org). */
  headerURL?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** What the child receives (one JSON argument). */
export interface RebuildChildJob {
  stageDir: string;
  module: string;
  electronVersion: string;
  platform: string;
  arch: string;
  buildFromSource: boolean;
  headerURL?: string;
}

export const DEFAULT_REBUILD_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * npm settings node-gyp reads from the environment (npm_config_*) that would
 * point the build at other headers or another runtime: under `npm run`, a
 * `nodedir` in .npmrc makes node-gyp build against Node's headers, silently,
 * whatever --target says.
 */
const NODE_GYP_SETTINGS = new Set([
  'nodedir',
  'target',
  'target_arch',
  'target_platform',
  'arch',
  'runtime',
  'disturl',
  'dist_url',
  'build_from_source',
]);

export function cleanBuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(k);
    if (m && NODE_GYP_SETTINGS.has(m[1].toLowerCase().replace(/-/g, '_'))) continue;
    out[k] = v;
  }
  return out;
}

function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function electronRebuildBuilder(o: ElectronRebuildOptions): Builder {
  return (job: BuildJob) =>
    new Promise<void>((resolve, reject) => {
      const start = logSize(o.logFile);
      const fd = openSync(o.logFile, 'a');
      writeSync(
        fd,
        `\n== ${new Date().toISOString()} ${job.module} for Electron ${job.target.electron} in ${job.stageDir}\n`,
      );
      const childJob: RebuildChildJob = {
        stageDir: job.stageDir,
        module: job.module,
        electronVersion: job.target.electron,
        platform: job.target.platform,
        arch: job.target.arch,
        buildFromSource: o.buildFromSource ?? false,
        ...(o.headerURL && { headerURL: o.headerURL }),
      };
      const child = spawn(process.execPath, [o.childScript, JSON.stringify(childJob)], {
        cwd: job.stageDir,
        stdio: ['ignore', fd, fd],
        env: cleanBuildEnv(o.env ?? process.env),
        // Its own process group, so a timeout also stops make and the compilers.
        detached: process.platform !== 'win32',
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
      }, o.timeoutMs ?? DEFAULT_REBUILD_TIMEOUT_MS);
      const done = (err: Error | null) => {
        clearTimeout(timer);
        closeSync(fd);
        if (err) reject(err);
        else resolve();
      };
      child.on('error', (e) => done(new Error(`cannot start the build (${e.message}); log: ${o.logFile}`)));
      child.on('exit', (code, signal) => {
        if (code === 0) return done(null);
        if (timedOut)
          return done(
            new Error(
              `the build took longer than ${Math.round((o.timeoutMs ?? DEFAULT_REBUILD_TIMEOUT_MS) / 1000)} s and was stopped; log: ${o.logFile}`,
            ),
          );
        const text = readBounded(o.logFile, 16 * 1024 * 1024) ?? '';
        const mine = text.slice(Math.min(start, text.length));
        done(new Error(`${explainBuildFailure(mine)}${signal ? ` (stopped by ${signal})` : ''}; log: ${o.logFile}`));
      });
    });
}
