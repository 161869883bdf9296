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

export interface PlanOptions {
  kernel: KernelVariant;
  json?: boolean;
}

export function kernelOption(): Option {
  return new Option('-k, --kernel <variant>', 'kernel variant to emulate: upstream, or cmr-holes (Ubuntu 6.8 -intel)')
    .choices(KERNEL_VARIANTS as string[])
    .default('upstream');
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('Run the kernel\'s TDMR, PAMT and reserved-area construction for one or more host files')
    .argument('<host...>', 'host JSON files (canonical host format, or golden case files)')
    .addOption(kernelOption())
    .option('--json', 'print the golden RESULT document, one per line, in order')
    .addHelpText(
      'after',
      '\nExit status: 0 when every host succeeds, 1 when the kernel side fails for any, 2 for bad input.',
    )
    .action((files: string[], opts: PlanOptions) => {
      // Validate every file before printing anything, so bad input never leaves half a report.
      const hosts = files.map((f) => ({ file: f, host: loadHostFile(f) }));
      let failed = false;
      for (const { file, host } of hosts) {
        const plan = planTdmrs(host, opts.kernel);
        failed ||= !plan.ok;
        if (opts.json) process.stdout.write(JSON.stringify(planToResultJson(plan)) + '\n');
        else process.stdout.write(renderPlanText(file, host, plan, summarizePlan(host, plan)) + '\n');
      }
      process.exitCode = failed ? EXIT_TDX_FAILED : EXIT_OK;
    });
}
