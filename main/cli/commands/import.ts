/** `tdx-lab import FILE... [--out FILE] [--name NAME] [--session NAME]`: a recorded host from raw artifacts. */
import type { Command } from 'commander';
import { importFiles } from '../../import/import-files.js';
import { InputError } from '../../node/input-file.js';
import { EXIT_OK } from '../errors.js';
import { analyzeRecordedHost } from '../../../engine/outcome/analyze.js';
import { checkVerdictText } from '../../../engine/outcome/text.js';
import { recordedHostFromJson } from '../../node/recorded-file.js';
import { recordRun } from '../../store/record-run.js';
import { DB_OPTION_HELP, openStoreForCli } from './session.js';
import { checkSessionName } from '../../store/sessions.js';
import { resolveDbPath } from '../../store/paths.js';
import { checkOutputTarget, writeOutputFile } from '../../node/output-file.js';
import { forceOption, maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage } from '../output.js';

export interface ImportOptions {
  out?: string;
  force?: boolean;
  name?: string;
  session?: string;
  db?: string;
}

/**
 * Writes a document to --out (never over an existing file without --force,
 * never over a database; main/node/output-file.ts) or stdout.
 */
export function writeDoc(doc: unknown, out: string | undefined, opts: { force?: boolean; db?: string } = {}): void {
  const text = JSON.stringify(doc, null, 2) + '\n';
  if (!out) {
    writeJson(text);
    return;
  }
  writeOutputFile(out, text, { force: opts.force, protect: [resolveDbPath(opts.db).path] });
}

export function register(program: Command): void {
  program
    .command('import')
    .description(
      'Build a recorded host from raw artifacts: system-report.sh output, dmesg/journal, /proc/iomem, e820/memmap, lsmem [-J], numactl -H, cxl list, recorded hosts',
    )
    .argument('<file...>', 'artifact files of ONE host (recognised by content)')
    .option('-o, --out <file>', 'write the recorded host here instead of stdout')
    .addOption(forceOption())
    .option('--name <name>', 'host name (default: the hostname in the artifacts)')
    .option(
      '--session <name>',
      'also keep the host in this lab notebook session (created if missing), as a recorded host',
    )
    .option('--db <path>', DB_OPTION_HELP)
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      '\nWhat had to be assumed is listed under "assumptions" in the output and on stderr.\nExit status: 0 imported, 2 bad input (the message names the file and line).',
    )
    .action(async (files: string[], opts: ImportOptions) => {
      if (opts.session !== undefined) checkSessionName(opts.session);
      // Refuse an --out that cannot be written before reading or recording anything.
      if (opts.out) checkOutputTarget(opts.out, { force: opts.force, protect: [resolveDbPath(opts.db).path] });
      const { doc, result, warnings, readiness } = await importFiles(files, { name: opts.name });
      if (opts.session !== undefined) {
        if (!result.host)
          throw new InputError(
            `${files.join(', ')}: ${result.noHostReason}; there is no host to keep in session '${opts.session}'`,
          );
        // The analysis of the recorded host (its evidence) is kept as a run, so the notebook lists its check verdict.
        const outcome = analyzeRecordedHost(recordedHostFromJson(files.join(' + '), doc));
        const store = openStoreForCli(opts.db);
        try {
          const rec = recordRun(store, opts.session, {
            kind: 'plan',
            host: result.host,
            variant: outcome.subject.kernel,
            hostOrigin: 'recorded',
            provenance: { file: files.join(' '), command: 'import', files, assumptions: result.assumptions },
            label: `recorded ${result.host.name}: ${checkVerdictText(outcome.recorded!.verdict)}`,
            outcome,
          });
          writeMessage(`kept host #${rec.hostId} in session '${opts.session}' (${store.path})`);
          writeMessage(
            `recorded run #${rec.run.id}: check ${checkVerdictText(outcome.recorded!.verdict)}: ${outcome.recorded!.reason}`,
          );
        } finally {
          store.close();
        }
      }
      writeDoc(doc, opts.out, { force: opts.force, db: opts.db });
      for (const w of warnings) writeMessage(w);
      for (const a of result.assumptions) writeMessage(`assumed: ${a}`);
      if (readiness) writeMessage(`readiness: ${readiness.summary}`);
      if (!result.host)
        writeMessage(
          `${result.noHostReason}; the output records what the kernel printed but is not a host the emulator can run`,
        );
      process.exitCode = EXIT_OK;
    });
}
