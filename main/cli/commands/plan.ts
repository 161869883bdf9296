/** `tdx-lab plan HOST.json...`: the kernel's TDMR/PAMT/reserved-area result for each host. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type KernelVariant } from '../../../engine/host/types.js';
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
import { maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage, writeText } from '../output.js';

export interface PlanOptions {
  kernel: KernelVariant;
  json?: boolean;
  session?: string;
  db?: string;
}

export function kernelOption(): Option {
  return new Option('-k, --kernel <variant>', 'kernel variant to emulate: upstream, or cmr-holes (Ubuntu 6.8 -intel)')
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
            writeMessage(`recorded run #${run.id} in session '${opts.session}' (${store.path})`);
          }
          if (opts.json) writeJson(JSON.stringify(planToResultJson(plan)) + '\n');
          else {
            const init = plan.ok ? initTdx(host, opts.kernel, { includePlan: false }) : undefined;
            writeText(renderPlanText(file, host, plan, summarizePlan(host, plan), init));
          }
        }
      } finally {
        store?.close();
      }
      process.exitCode = failed ? EXIT_TDX_FAILED : EXIT_OK;
    });
}
