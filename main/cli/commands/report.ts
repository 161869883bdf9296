/**
 * `tdx-lab report INPUT --out FILE.{html,svg,png,pdf}`: a visual report of a plan, a scenario or a comparison;
 * `tdx-lab report --session NAME --run ID --out FILE`: the same report for a run in the lab notebook.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { KernelVariant } from '../../../engine/host/types.js';
import { InputError } from '../../node/input-file.js';
import { EXIT_OK } from '../errors.js';
import type { ReportSubject } from '../../report/subject.js';
import { kernelOption } from './plan.js';
import { DB_OPTION_HELP, openExistingForCli, runId } from './session.js';
import { checkOutputTarget, writeOutputFile } from '../../node/output-file.js';
import { resolveDbPath } from '../../store/paths.js';
import { forceOption, maxInputSizeOption } from '../options.js';

interface ReportOptions {
  kernel: KernelVariant;
  compare?: string;
  out: string;
  force?: boolean;
  chromium?: string;
  timestamp?: boolean;
  session?: string;
  run?: string;
  db?: string;
}

/**
 * The report code (d3, a DOM, Chromium) loads only when a report is asked
 * for, so that every other `tdx-lab` command starts without it.
 */
async function reportModules() {
  const [index, stored] = await Promise.all([import('../../report/index.js'), import('../../report/stored-run.js')]);
  return { ...index, runSubject: stored.runSubject };
}

/** The subject(s): from the input file(s), or from a stored run (never both). */
async function subjectsOf(
  input: string | undefined,
  opts: ReportOptions,
  kernelGiven: boolean,
  command: string,
): Promise<ReportSubject[]> {
  const { loadSubjects, runSubject } = await reportModules();
  const fromStore = opts.session !== undefined || opts.run !== undefined;
  if (!fromStore) {
    if (input === undefined) throw new InputError('report: give a host or scenario file, or --session NAME --run ID');
    return loadSubjects({ input, compare: opts.compare, kernel: opts.kernel, kernelGiven, command });
  }
  if (input !== undefined) throw new InputError('report: give either an input file or --session/--run, not both');
  if (opts.compare !== undefined) throw new InputError('report: --compare works with input files only');
  if (opts.session === undefined || opts.run === undefined)
    throw new InputError('report: --session and --run go together (e.g. --session lab --run 3)');
  const id = runId(opts.run);
  if (id === undefined) throw new InputError(`--run ${opts.run}: expected a run id like 3 or #3`);
  const { store, path } = openExistingForCli(opts.db);
  if (!store) throw new InputError(`${path}: no session '${opts.session}' (the database does not exist yet)`);
  try {
    return [runSubject(store, opts.session, id)];
  } finally {
    store.close();
  }
}

/** A word as a shell would need it quoted. */
function quote(w: string): string {
  return /^[\w./=:@+-]+$/.test(w) ? w : JSON.stringify(w);
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Write a visual report (map, TDMR table, findings, logs) for a host, a scenario, two hosts compared, or a stored run',
    )
    .argument('[input]', 'host JSON file (canonical host or golden case) or scenario JSON file')
    .addOption(kernelOption())
    .option('--compare <other>', 'a second host file to compare with')
    .option('--session <name>', 'report on a run of this lab notebook session (with --run)')
    .option('--run <id>', 'the stored run to report on (with --session)')
    .option('--db <path>', DB_OPTION_HELP)
    .requiredOption(
      '-o, --out <file>',
      'output file: .html, .svg (the map alone), .png, .pdf, .md (Markdown) or .json (the Outcome)',
    )
    .addOption(forceOption())
    .addOption(maxInputSizeOption())
    .option('--chromium <path>', 'headless Chromium for .png/.pdf (default /usr/bin/chromium or chromium on PATH)')
    .option('--timestamp', 'print the generation time in the report (output is then no longer byte-identical)')
    .addHelpText(
      'after',
      '\nHTML, SVG, Markdown and JSON output is byte-identical for the same input; a stored run shows the Outcome it was recorded with. Exit status: 0 when written, 2 for bad input, an unknown session or run, or when Chromium is needed and missing.',
    )
    .action(async (input: string | undefined, opts: ReportOptions, cmd: Command) => {
      const { formatOf, renderReport } = await reportModules();
      const format = formatOf(opts.out);
      const kernelGiven = cmd.getOptionValueSource('kernel') === 'cli';
      // The command for the provenance, spelled without directories or the output name,
      // so the same input gives the same bytes wherever it is run from.
      const parts = ['tdx-lab report'];
      if (input !== undefined) parts.push(quote(basename(input)));
      if (opts.compare !== undefined) parts.push('--compare', quote(basename(opts.compare)));
      if (kernelGiven) parts.push('--kernel', opts.kernel);
      const command = parts.join(' ');
      // Never over an existing file without --force, never over a database (main/node/output-file.ts).
      const protect = [resolveDbPath(opts.db).path];
      checkOutputTarget(opts.out, { force: opts.force, protect });
      const bytes = await renderReport(await subjectsOf(input, opts, kernelGiven, command), format, {
        chromium: opts.chromium,
        timestamp: opts.timestamp ? new Date().toISOString() : undefined,
      });
      writeOutputFile(opts.out, bytes, { force: opts.force, protect });
      process.exitCode = EXIT_OK;
    });
}
