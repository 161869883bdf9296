/**
 * `tdx-lab check FILE...`: does the emulator reproduce what a real host
 * printed? FILE is a recorded/imported host, or raw artifacts of one host
 * (imported on the fly). Exit 0 agree, 1 disagree, 2 bad input or nothing to check.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type Host, type KernelVariant } from '../../../engine/host/types.js';
import { profileChoicesText } from '../../../engine/kernel/profiles.js';
import { checkBoot, describeLayout, renderBootCheck, type BootCheck } from '../../../engine/import/compare.js';
import type { ObservedBoot } from '../../../engine/import/observed.js';
import { importFiles } from '../../import/import-files.js';
import { hostFromJson } from '../../node/host-file.js';
import { InputError, problemsMessage } from '../../node/input-file.js';
import { parseObserved } from '../../../engine/import/observed-schema.js';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage, writeText } from '../output.js';

export interface CheckOptions {
  kernel?: KernelVariant;
  json?: boolean;
}

export interface CheckRun {
  exitCode: number;
  checks: BootCheck[];
  host?: Host;
  message?: string;
}

/** Loads a host and its observed boots from a recorded host or raw artifacts. */
export async function loadForCheck(
  files: readonly string[],
): Promise<{ host?: Host; observed: ObservedBoot[]; why?: string; label: string }> {
  const label = files.join(' + ');
  const { doc } = await importFiles(files);
  const d = doc as Record<string, unknown>;
  const observed = d.observed === undefined ? { ok: true as const, value: [] } : parseObserved(d.observed);
  if (!observed.ok) throw new InputError(problemsMessage(label, observed.problems));
  if (d.layout_missing) return { observed: observed.value, why: String(d.layout_missing), label };
  const host = hostFromJson(label, doc);
  return { host, observed: observed.value, label };
}

export async function runCheck(files: readonly string[], opts: CheckOptions = {}): Promise<CheckRun> {
  const { host, observed, why, label } = await loadForCheck(files);
  if (!host) return { exitCode: EXIT_BAD_INPUT, checks: [], message: `${label}: nothing to check: ${why}` };
  if (!observed.length)
    return {
      exitCode: EXIT_BAD_INPUT,
      checks: [],
      host,
      message: `${label}: nothing to check: no kernel TDX messages recorded with this host`,
    };
  const checks = observed.map((b) =>
    checkBoot(host, opts.kernel ? { ...b, variant: opts.kernel, variant_reason: 'set with --kernel' } : b),
  );
  const disagree = checks.some((c) => c.verdict === 'disagree');
  const agree = checks.some((c) => c.verdict === 'agree');
  if (disagree) return { exitCode: EXIT_TDX_FAILED, checks, host };
  if (agree) return { exitCode: EXIT_OK, checks, host };
  return {
    exitCode: EXIT_BAD_INPUT,
    checks,
    host,
    message: `${label}: nothing to check: no boot printed a PAMT size or a TDMR-stage failure with a known layout`,
  };
}

export function register(program: Command): void {
  program
    .command('check')
    .description('Compare the emulator with what a real host printed (PAMT KB, TDMR count, success or failure)')
    .argument('<file...>', 'a recorded/imported host, or raw artifacts of one host')
    .addOption(
      new Option(
        '-k, --kernel <profile>',
        `kernel profile for every boot (default: from each boot's kernel release and lines): ${profileChoicesText()}`,
      ).choices(KERNEL_VARIANTS as string[]),
    )
    .option('--json', 'print the per-boot results as JSON')
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      '\nExit status: 0 the emulator agrees, 1 it disagrees somewhere, 2 bad input or nothing checkable.',
    )
    .action(async (files: string[], opts: CheckOptions) => {
      const run = await runCheck(files, opts);
      if (opts.json) writeJson(JSON.stringify({ exit: run.exitCode, checks: run.checks }, null, 2) + '\n');
      else {
        if (run.host) writeText(`${files.join(' + ')}: ${describeLayout(run.host)}`);
        for (const c of run.checks) writeText(renderBootCheck(c));
      }
      if (run.message) writeMessage(run.message);
      process.exitCode = run.exitCode;
    });
}
