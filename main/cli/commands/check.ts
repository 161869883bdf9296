/**
 * `tdx-lab check FILE...`: does the emulator reproduce what a real host
 * printed? FILE is a recorded/imported host, or raw artifacts of one host
 * (imported on the fly). Exit 0 agree, 1 disagree, 2 bad input or nothing to check.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { KERNEL_VARIANTS, type Host, type KernelVariant } from '../../../engine/host/types.js';
import { profileChoicesText } from '../../../engine/kernel/profiles.js';
import { describeLayout, type BootCheck } from '../../../engine/import/compare.js';
import { analyzeRecordedHost, type RecordedHost } from '../../../engine/outcome/analyze.js';
import { recordedDocument } from '../../../engine/outcome/document.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import { importFiles } from '../../import/import-files.js';
import { recordedHostFromJson } from '../../node/recorded-file.js';
import { recordedEvidenceLines } from '../render/evidence-text.js';
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
  /** The analysis of the recorded host: its evidence is what `check` prints. */
  outcome?: Outcome;
  message?: string;
}

/** Loads a recorded host (its layout, observed boots, facts) from a recorded host or raw artifacts. */
export async function loadForCheck(files: readonly string[]): Promise<{ recorded: RecordedHost; label: string }> {
  const label = files.join(' + ');
  const { doc } = await importFiles(files);
  return { recorded: recordedHostFromJson(label, doc), label };
}

export async function runCheck(files: readonly string[], opts: CheckOptions = {}): Promise<CheckRun> {
  const { recorded, label } = await loadForCheck(files);
  const observed = opts.kernel
    ? recorded.observed.map((b) => ({
        ...b,
        variant: opts.kernel!,
        variant_reason: 'set with --kernel',
        variant_known: true,
      }))
    : recorded.observed;
  const host = recorded.host ?? undefined;
  if (!observed.length)
    return {
      exitCode: EXIT_BAD_INPUT,
      checks: [],
      host,
      message: `${label}: nothing to check: no kernel TDX messages recorded with this host`,
    };
  // The same analysis every face shows; fixes are not tried here (check compares, it does not advise).
  const outcome = analyzeRecordedHost({ ...recorded, observed }, { trials: false });
  const checks = outcome.recorded!.boots.flatMap((b) => (b.check ? [b.check] : []));
  if (!host)
    return {
      exitCode: EXIT_BAD_INPUT,
      checks,
      outcome,
      message: `${label}: nothing to check: ${recorded.layoutMissing}`,
    };
  const v = outcome.recorded!.verdict;
  if (v === 'disagree') return { exitCode: EXIT_TDX_FAILED, checks, host, outcome };
  if (v === 'agree') return { exitCode: EXIT_OK, checks, host, outcome };
  return {
    exitCode: EXIT_BAD_INPUT,
    checks,
    host,
    outcome,
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
      const evidence = run.outcome?.recorded;
      if (opts.json)
        writeJson(
          JSON.stringify(
            { exit: run.exitCode, checks: run.checks, ...(evidence && { evidence: recordedDocument(evidence) }) },
            null,
            2,
          ) + '\n',
        );
      else {
        if (run.host) writeText(`${files.join(' + ')}: ${describeLayout(run.host)}`);
        if (evidence) writeText(recordedEvidenceLines(evidence).join('\n'));
      }
      if (run.message) writeMessage(run.message);
      process.exitCode = run.exitCode;
    });
}
