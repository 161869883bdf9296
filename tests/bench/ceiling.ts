/**
 * What this machine allows two busy threads of work, measured rather than
 * assumed: two Node processes running the reference load together against
 * one alone. ratio = 2 × alone / together (2.0 on two idle cores; less when
 * the cores are shared, hyper-threads, or memory-bound).
 */
import { spawn } from 'node:child_process';

const LOAD = new URL('./reference-load.js', import.meta.url);

/** One run of the reference load; resolves to its own elapsed milliseconds. */
function load(rounds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [LOAD.pathname, String(rounds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(Number(out.split(' ')[0])) : reject(new Error(`reference load exited ${code}`)),
    );
  });
}

export interface Ceiling {
  aloneMs: number;
  togetherMs: number;
  ratio: number;
}

/**
 * Rounds of the reference load that take about `targetMs` alone here: the
 * ceiling is measured over as long a stretch as the work it is compared with
 * (on a shared machine a short run can catch a moment the other core is free).
 */
export async function calibrateRounds(targetMs: number): Promise<number> {
  const probe = 2_000_000;
  const ms = Math.min(await load(probe), await load(probe));
  return Math.max(probe, Math.round((probe * targetMs) / ms));
}

/** One measurement: the load alone, then two copies at once (the slower one counts). */
export async function measureCeiling(rounds = 10_000_000): Promise<Ceiling> {
  const aloneMs = await load(rounds);
  const togetherMs = Math.max(...(await Promise.all([load(rounds), load(rounds)])));
  return { aloneMs, togetherMs, ratio: (2 * aloneMs) / togetherMs };
}
