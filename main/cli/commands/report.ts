/** `tdx-lab report INPUT --out FILE.{html,svg,png,pdf}`: a visual report of a plan, a scenario or a comparison. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { KernelVariant } from '../../../engine/host/types.js';
import { InputError } from '../../node/input-file.js';
import { EXIT_OK } from '../errors.js';
import { formatOf, generateReport } from '../../report/index.js';
import { kernelOption } from './plan.js';

interface ReportOptions {
  kernel: KernelVariant;
  compare?: string;
  out: string;
  chromium?: string;
  timestamp?: boolean;
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Write a visual report (map, TDMR table, findings, logs) for a host, a scenario, or two hosts compared',
    )
    .argument('<input>', 'host JSON file (canonical host or golden case) or scenario JSON file')
    .addOption(kernelOption())
    .option('--compare <other>', 'a second host file to compare with')
    .requiredOption('-o, --out <file>', 'output file: .html, .svg (the map alone), .png or .pdf')
    .option('--chromium <path>', 'headless Chromium for .png/.pdf (default /usr/bin/chromium or chromium on PATH)')
    .option('--timestamp', 'print the generation time in the report (output is then no longer byte-identical)')
    .addHelpText(
      'after',
      '\nHTML and SVG output is byte-identical for the same input. Exit status: 0 when written, 2 for bad input or when Chromium is needed and missing.',
    )
    .action(async (input: string, opts: ReportOptions) => {
      const format = formatOf(opts.out);
      const bytes = await generateReport({
        input,
        compare: opts.compare,
        kernel: opts.kernel,
        format,
        chromium: opts.chromium,
        timestamp: opts.timestamp,
      });
      try {
        writeFileSync(opts.out, bytes);
      } catch (e) {
        throw new InputError(
          `${opts.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      process.exitCode = EXIT_OK;
    });
}
