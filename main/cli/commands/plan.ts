/** `tdx-lab plan HOST.json...`: the kernel's TDMR/PAMT/reserved-area result for each host. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type Host, type KernelVariant } from '../../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../../engine/kernel/construct.js';
import { planToResultJson } from '../../../engine/format/result-json.js';
import { loadHostFileFast } from '../../node/host-file-fast.js';
import { EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { DB_OPTION_HELP } from './db-option.js';

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

/**
 * The readable summary's modules (the init flow, the text renderer), loaded
 * only without --json: `plan --json` loads the kernel side alone.
 */
async function textRenderer(): Promise<(file: string, host: Host, plan: Plan, variant: KernelVariant) => string> {
  const [{ renderPlanText }, { summarizePlan }, { initTdx }] = await Promise.all([
    import('../render/plan-text.js'),
    import('../../../engine/format/plan-summary.js'),
    import('../../../engine/flow/init.js'),
  ]);
  return (file, host, plan, variant) => {
    const init = plan.ok ? initTdx(host, variant, { includePlan: false }) : undefined;
    return renderPlanText(file, host, plan, summarizePlan(host, plan), init);
  };
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
    record(file: string, host: Host, plan: Plan, variant: KernelVariant): void {
      const { run } = recordRun(store, session, {
        kind: 'plan',
        host,
        variant,
        plan,
        provenance: { file, command: 'plan' },
      });
      process.stderr.write(`tdx-lab: recorded run #${run.id} in session '${session}' (${store.path})\n`);
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
    .addHelpText(
      'after',
      '\nExit status: 0 when every host succeeds, 1 when the kernel side fails for any, 2 for bad input.',
    )
    .action(async (files: string[], opts: PlanOptions) => {
      // Validate every file before printing anything, so bad input never leaves half a report.
      const hosts: { file: string; host: Host }[] = [];
      for (const file of files) hosts.push({ file, host: await loadHostFileFast(file) });
      // Open the notebook before printing anything too: a locked or bad database fails up front.
      const recorder = opts.session !== undefined ? await sessionRecorder(opts.session, opts.db) : undefined;
      let failed = false;
      try {
        const text = opts.json ? undefined : await textRenderer();
        for (const { file, host } of hosts) {
          const plan = planTdmrs(host, opts.kernel);
          failed ||= !plan.ok;
          recorder?.record(file, host, plan, opts.kernel);
          if (text) process.stdout.write(text(file, host, plan, opts.kernel) + '\n');
          else process.stdout.write(JSON.stringify(planToResultJson(plan)) + '\n');
        }
      } finally {
        recorder?.close();
      }
      process.exitCode = failed ? EXIT_TDX_FAILED : EXIT_OK;
    });
}
