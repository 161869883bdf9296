/**
 * `tdx-lab sweep SWEEP.json`: emulates every combination of a sweep's axes
 * in the worker pool and prints one row per combination (table, --csv or
 * --json). Rows that fail are data: exit 0 once every row is done, 2 for
 * bad input (refused before any work starts), 130 when Ctrl-C cancels.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import type { KernelVariant } from '../../../engine/host/types.js';
import { expandCombination, type Sweep } from '../../../engine/sweep/expand.js';
import { hostToJson } from '../../../engine/format/host-json.js';
import type { SweepRow } from '../../../engine/sweep/row.js';
import { InputError } from '../../node/input-file.js';
import {
  createEnginePool,
  SweepAbortedError,
  sweepRows,
  type SweepBatches,
  type SweepProgress,
} from '../../workers/pool.js';
import { loadSweepFile } from '../../node/sweep-file.js';
import { DB_OPTION_HELP, openStoreForCli } from './session.js';
import { recordRun } from '../../store/record-run.js';
import { checkSessionName } from '../../store/sessions.js';
import { EXIT_OK } from '../errors.js';
import { SWEEP_JSON_TAIL, sweepJsonHead } from '../../../engine/format/sweep-json.js';
import { sweepRowsText } from '../../../engine/format/sweep-rows.js';
import { renderSweepText } from '../render/sweep-text.js';
import { kernelOption } from './plan.js';
import { maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage, writeText, writeTextPiece } from '../output.js';

/** 128 + SIGINT, what shells report for a command stopped by Ctrl-C. */
export const EXIT_CANCELLED = 130;
/** At least this many combinations per worker: starting more threads than that costs more than it saves. */
const PER_WORKER = 64;

export interface SweepOptions {
  kernel: KernelVariant;
  workers?: number;
  json?: boolean;
  csv?: boolean;
  planOnly?: boolean;
  /** Print this combination's host instead of sweeping. */
  host?: number;
  session?: string;
  db?: string;
}

function workerCount(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 1024) throw new InvalidArgumentError('must be a whole number from 1 to 1024');
  return n;
}

function combinationIndex(s: string): number {
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw new InvalidArgumentError('must be a combination index (0, 1, ...)');
  }
  return Number(s);
}

/**
 * The --json document of rows in memory: what was swept, then every row in
 * combination order (engine/format/sweep-json.ts). Written in pieces: a
 * million rows would not fit in one string. The CLI itself has the pool's
 * workers format its output (formatSweep).
 */
export function* sweepJsonChunks(sweep: Sweep, rows: readonly SweepRow[]): Generator<string> {
  yield sweepJsonHead(sweep);
  for (let i = 0; i < rows.length; i += 1000) {
    yield (i ? ',' : '') + sweepRowsText(rows.slice(i, i + 1000), 'json', []);
  }
  yield SWEEP_JSON_TAIL;
}

/** A progress bar on stderr, only when stderr is a terminal. */
function progressBar(total: number): { update(p: SweepProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'sweep [{bar}] {percentage}% | {value}/{total} combinations | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (p) => bar.update(p.done), stop: () => bar.stop() };
}

async function runSweepCommand(file: string, opts: SweepOptions, kernelFromCli: boolean): Promise<number> {
  const sweep = loadSweepFile(file, opts.kernel, opts.planOnly ? 'plan' : 'init');
  const kernelAxis = sweep.axes.findIndex((a) => a.name === 'kernel');
  if (kernelAxis >= 0 && kernelFromCli) {
    throw new InputError(`${file}: $.axes[${kernelAxis}]: the sweep varies the kernel variant itself; drop --kernel`);
  }
  if (opts.host !== undefined) {
    if (opts.host >= sweep.total) {
      throw new InputError(`${file}: --host ${opts.host}: the sweep has combinations 0 to ${sweep.total - 1}`);
    }
    // One combination's host, to run through `tdx-lab plan` or a scenario.
    writeJson(JSON.stringify(hostToJson(expandCombination(sweep, opts.host).host), null, 2) + '\n');
    return EXIT_OK;
  }
  if (opts.session !== undefined) checkSessionName(opts.session);
  const workers = Math.min(opts.workers ?? availableParallelism(), Math.ceil(sweep.total / PER_WORKER));
  const pool = createEnginePool({ workers });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const bar = progressBar(sweep.total);
  let result: SweepBatches;
  try {
    result = await pool.runSweepBatches(sweep, { signal: controller.signal, onProgress: bar.update });
  } catch (e) {
    bar.stop();
    await pool.destroy();
    if (e instanceof SweepAbortedError) {
      // Partial rows are never printed: they would read as a complete sweep.
      writeMessage(`${file}: ${e.message}; no results printed`);
      return EXIT_CANCELLED;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  bar.stop();
  try {
    if (opts.session !== undefined) recordSweep(file, sweep, sweepRows(result), opts.session, opts.db);
    const format = opts.json ? 'json' : opts.csv ? 'csv' : undefined;
    // The workers format the rows; this thread only writes the pieces in order.
    if (format === 'json') for await (const piece of pool.formatSweep(result, format)) writeJson(piece);
    else if (format === 'csv') for await (const piece of pool.formatSweep(result, format)) writeTextPiece(piece);
    else writeText(renderSweepText(file, sweep, sweepRows(result)));
  } finally {
    await pool.close();
  }
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description(
      "Emulate every combination of a sweep file's axes (memory per node, nodes, CXL size, module limits, kernel) in worker threads",
    )
    .argument('<sweep>', 'sweep JSON file (see docs/sweeps.md)')
    .option('-w, --workers <n>', 'worker threads (default: one per core)', workerCount)
    .addOption(kernelOption())
    .option('--json', 'print one JSON document with every row')
    .option('--csv', 'print CSV, one line per combination')
    .option('--plan-only', 'run only the kernel-side TDMR/PAMT construction (much faster; no TDX module checks)')
    .option(
      '--host <index>',
      'print the canonical host of combination INDEX (a row\'s "index") instead of sweeping',
      combinationIndex,
    )
    .option('--session <name>', 'record the sweep and its rows in this lab notebook session (created if missing)')
    .option('--db <path>', DB_OPTION_HELP)
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      '\nExit status: 0 when every combination was emulated (failed rows are results), 2 for bad input, 130 when cancelled (Ctrl-C).',
    )
    .action(async (file: string, opts: SweepOptions, cmd: Command) => {
      if (opts.json && opts.csv) throw new InputError('choose one of --json and --csv');
      process.exitCode = await runSweepCommand(file, opts, cmd.getOptionValueSource('kernel') === 'cli');
    });
}

/** Stores the finished sweep (definition and every row) as one run. */
function recordSweep(
  file: string,
  sweep: Sweep,
  rows: readonly SweepRow[],
  session: string,
  db: string | undefined,
): void {
  const store = openStoreForCli(db);
  try {
    const failed = rows.filter((r) => !r.ok).length;
    const { run } = recordRun(store, session, {
      kind: 'sweep',
      host: sweep.host,
      variant: sweep.kernel,
      status: failed > 0 ? 'failed' : 'ok',
      label: sweep.name,
      payload: {
        sweep: { name: sweep.name, axes: sweep.axes, kernel: sweep.kernel, mode: sweep.mode, total: sweep.total },
        rows,
      },
      summary: { combinations: rows.length, failed },
      provenance: { file, command: 'sweep' },
    });
    writeMessage(`recorded run #${run.id} in session '${session}' (${store.path})`);
  } finally {
    store.close();
  }
}
