/** `tdx-lab plan HOST.json...`: the kernel's TDMR/PAMT/reserved-area result for each host. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type KernelVariant } from '../../../engine/host/types.js';
import { profileChoicesText } from '../../../engine/kernel/profiles.js';
import { planTdmrs } from '../../../engine/kernel/construct.js';
import { planToResultJson } from '../../../engine/format/result-json.js';
import { loadHostFile } from '../../node/host-file.js';
import { EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { renderOutcomeText } from '../render/outcome-text.js';
import { analyzeHost } from '../../../engine/outcome/analyze.js';
import { DB_OPTION_HELP, openStoreForCli } from './session.js';
import { recordRun } from '../../store/record-run.js';
import { checkSessionName } from '../../store/sessions.js';
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
    .action((files: string[], opts: PlanOptions) => {
      // Validate every file before printing anything, so bad input never leaves half a report.
      const hosts = files.map((f) => ({ file: f, host: loadHostFile(f) }));
      // Open the notebook before printing anything too: a locked or bad database fails up front.
      const store = opts.session !== undefined ? (checkSessionName(opts.session), openStoreForCli(opts.db)) : undefined;
      let failed = false;
      try {
        for (const { file, host } of hosts) {
          // --json is the kernel side alone (the golden RESULT); the text and the notebook get the whole analysis.
          const outcome = !opts.json || store ? analyzeHost(host, opts.kernel) : undefined;
          const plan = outcome && opts.json ? outcome.plan : undefined;
          if (store && outcome) {
            const { run } = recordRun(store, opts.session!, {
              kind: 'plan',
              host,
              variant: opts.kernel,
              outcome,
              provenance: { file, command: 'plan' },
            });
            writeMessage(`recorded run #${run.id} in session '${opts.session}' (${store.path})`);
          }
          if (opts.json) {
            const p = plan ?? planTdmrs(host, opts.kernel);
            failed ||= !p.ok;
            writeJson(JSON.stringify(planToResultJson(p)) + '\n');
          } else {
            failed ||= !outcome!.verdict.ok;
            writeText(renderOutcomeText(file, outcome!) + '\n');
          }
        }
      } finally {
        store?.close();
      }
      process.exitCode = failed ? EXIT_TDX_FAILED : EXIT_OK;
    });
}
