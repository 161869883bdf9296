/** `tdx-lab plan HOST.json...`: the kernel's TDMR/PAMT/reserved-area result for each host. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type KernelVariant } from '../../../engine/host/types.js';
import { profileChoicesText } from '../../../engine/kernel/profiles.js';
import { planTdmrs } from '../../../engine/kernel/construct.js';
import { planToResultJson } from '../../../engine/format/result-json.js';
import { summarizePlan } from '../../../engine/format/plan-summary.js';
import { loadHostFile } from '../../node/host-file.js';
import { EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { renderPlanText } from '../render/plan-text.js';
import { initTdx } from '../../../engine/flow/init.js';
import { DB_OPTION_HELP, openStoreForCli } from './session.js';
import { recordRun } from '../../store/record-run.js';
import { checkSessionName } from '../../store/sessions.js';

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
    .addHelpText(
      'after',
      '\nExit status: 0 when every host succeeds, 1 when the kernel side fails for any, 2 for bad input.',
    )
    .action((files: string[], opts: PlanOptions) => {
      // Validate every file before printing anything, so bad input never leaves half a report.
      const hosts = files.map((f) => ({ file: f, host: loadHostFile(f) }));
      // Open the notebook before printing anything too: a locked or bad database fails up front.
      const store = opts.session !== undefined ? (checkSessionName(opts.session), openStoreForCli(opts.db)) : undefined;
      let failed = false;
      try {
        for (const { file, host } of hosts) {
          const plan = planTdmrs(host, opts.kernel);
          failed ||= !plan.ok;
          if (store) {
            const { run } = recordRun(store, opts.session!, {
              kind: 'plan',
              host,
              variant: opts.kernel,
              plan,
              provenance: { file, command: 'plan' },
            });
            process.stderr.write(`tdx-lab: recorded run #${run.id} in session '${opts.session}' (${store.path})\n`);
          }
          if (opts.json) process.stdout.write(JSON.stringify(planToResultJson(plan)) + '\n');
          else {
            const init = plan.ok ? initTdx(host, opts.kernel, { includePlan: false }) : undefined;
            process.stdout.write(renderPlanText(file, host, plan, summarizePlan(host, plan), init) + '\n');
          }
        }
      } finally {
        store?.close();
      }
      process.exitCode = failed ? EXIT_TDX_FAILED : EXIT_OK;
    });
}
