/** `tdx-lab plan HOST.json...`: the kernel's TDMR/PAMT/reserved-area result for each host. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type Host, type KernelVariant } from '../../../engine/host/types.js';
import { profileChoicesText } from '../../../engine/kernel/profiles.js';
import { planTdmrs } from '../../../engine/kernel/construct.js';
import { planToResultJson } from '../../../engine/format/result-json.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import { loadHostFileFast } from '../../node/host-file-fast.js';
import { EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { DB_OPTION_HELP } from './db-option.js';
import { maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage, writeText } from '../output.js';

export interface PlanOptions {
  kernel: KernelVariant;
  json?: boolean;
  session?: string;
  db?: string;
}

/** `--kernel`: the kernel profile, its choices and their descriptions from the profile table (docs/kernels.md). */
export function kernelOption(): Option {
  return new Option('-k, --kernel <profile>', `kernel profile to emulate: ${profileChoicesText()}`)
    .choices(KERNEL_VARIANTS as string[])
    .default('upstream');
}

/**
 * The whole analysis and its text renderer, loaded only without --json or
 * with --session: `plan --json` loads the kernel side alone (start-up).
 */
async function analysis() {
  const [{ analyzeHost }, { renderOutcomeText }] = await Promise.all([
    import('../../../engine/outcome/analyze.js'),
    import('../render/outcome-text.js'),
  ]);
  return { analyzeHost, renderOutcomeText };
}

/** The notebook and the recorder, loaded only with --session. */
async function sessionRecorder(session: string, db: string | undefined) {
  const [{ checkSessionName }, { openStoreForCli }, { recordRun }] = await Promise.all([
    import('../../store/sessions.js'),
    import('./session.js'),
    import('../../store/record-run.js'),
  ]);
  checkSessionName(session);
  const store = openStoreForCli(db);
  return {
    record(file: string, host: Host, outcome: Outcome, variant: KernelVariant): void {
      const { run } = recordRun(store, session, {
        kind: 'plan',
        host,
        variant,
        outcome,
        provenance: { file, command: 'plan' },
      });
      writeMessage(`recorded run #${run.id} in session '${session}' (${store.path})`);
    },
    close: () => store.close(),
  };
}

export function register(program: Command): void {
  program
    .command('plan')
    .description("Run the kernel's TDMR, PAMT and reserved-area construction for one or more host files")
    .argument('<host...>', 'host JSON files (canonical host format, or golden case files)')
    .addOption(kernelOption())
    .option('--json', 'print the golden RESULT document, one per line, in order')
    .option('--session <name>', 'record each run in this lab notebook session (created if missing)')
    .option('--db <path>', DB_OPTION_HELP)
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      '\nExit status: 0 when TDX initializes on every host, 1 when it does not on any (the verdict; with --json, the kernel side as the golden RESULT says), 2 for bad input.',
    )
    .action(async (files: string[], opts: PlanOptions) => {
      // Validate every file before printing anything, so bad input never leaves half a report.
      const hosts: { file: string; host: Host }[] = [];
      for (const file of files) hosts.push({ file, host: await loadHostFileFast(file) });
      // Open the notebook before printing anything too: a locked or bad database fails up front.
      const recorder = opts.session !== undefined ? await sessionRecorder(opts.session, opts.db) : undefined;
      let failed = false;
      try {
        // --json is the kernel side alone (the golden RESULT); the text and the notebook get the whole analysis.
        const full = !opts.json || recorder ? await analysis() : undefined;
        for (const { file, host } of hosts) {
          const outcome = full?.analyzeHost(host, opts.kernel);
          if (recorder && outcome) recorder.record(file, host, outcome, opts.kernel);
          if (opts.json) {
            const p = outcome?.plan ?? planTdmrs(host, opts.kernel);
            failed ||= !p.ok;
            writeJson(JSON.stringify(planToResultJson(p)) + '\n');
          } else {
            failed ||= !outcome!.verdict.ok;
            writeText(full!.renderOutcomeText(file, outcome!) + '\n');
          }
        }
      } finally {
        recorder?.close();
      }
      process.exitCode = failed ? EXIT_TDX_FAILED : EXIT_OK;
    });
}
