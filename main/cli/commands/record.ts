/**
 * `tdx-lab record [--out FILE] [--root DIR] [--dmesg FILE]`: probes this host
 * (or a copied /proc,/sys,/dev tree) and writes a recorded host: the
 * canonical host plus observed boots, assumptions, provenance and the raw
 * artifacts parsed. The readiness checklist goes to stderr (and under
 * `readiness` in the file).
 */
import type { Command } from 'commander';
import { hostname as osHostname } from 'node:os';
import { probeHost, type ProbeReport } from '../../probe/probe.js';
import { renderReadiness } from '../render/readiness-text.js';
import { recordedHostDoc, type RecordedHostDoc } from '../../../engine/import/recorded.js';
import { parseHost } from '../../../engine/host/validate.js';
import { problemsMessage, InputError } from '../../node/input-file.js';
import { checkOutputTarget } from '../../node/output-file.js';
import { forceOption } from '../options.js';
import { writeMessage, writeMessages } from '../output.js';
import { ENGINE_VERSION } from '../../../engine/version.js';
import { statSync } from 'node:fs';
import { EXIT_OK } from '../errors.js';
import { writeDoc } from './import.js';

export interface RecordOptions {
  out?: string;
  force?: boolean;
  root?: string;
  dmesg?: string;
  native?: boolean;
}

export function recordDoc(report: ProbeReport, now = new Date()): RecordedHostDoc {
  const doc = recordedHostDoc(
    report.result,
    {
      tool: `tdx-lab ${ENGINE_VERSION}`,
      how: 'record',
      hostname: report.hostname ?? (report.root === '/' ? osHostname() : undefined),
      kernel: report.kernel,
      cpu_model: report.cpuinfo?.model,
      time: now.toISOString(),
      sources_read: report.sources_read.map((s) => ({ source: s.source, kinds: [s.what] })),
      sources_failed: report.sources_failed,
    },
    { ...report.artifacts },
  );
  doc.readiness = report.readiness;
  doc.probe = {
    root: report.root,
    cmdline: report.cmdline,
    cpus: report.cpuinfo?.cpus,
    packages: report.cpuinfo?.packages,
    cpu_flags: report.cpuinfo?.flags,
    cpuid: report.cpuid,
    msrs: report.msrs,
    kvm_intel_tdx: report.kvmTdxParam,
    tdx_host: report.tdxHost
      ? {
          path: report.tdxHost.path,
          version: report.tdxHost.version,
          seamldr_version: report.tdxHost.seamldrVersion,
          num_remaining_updates: report.tdxHost.numRemainingUpdates,
          update_possible: report.tdxHost.updatePossible,
          update: report.tdxHost.update,
        }
      : undefined,
    memory_blocks: report.memoryBlocks,
    nodes: report.nodes,
    missing: report.missing,
  };
  if (report.result.host) {
    const check = parseHost(doc);
    if (!check.ok) throw new Error(`record built an invalid host: ${problemsMessage('(record)', check.problems)}`);
  }
  return doc;
}

export function register(program: Command): void {
  program
    .command('record')
    .description(
      'Probe this host (memory map, NUMA, CXL/DAX, TDX MSRs, CPUID, kernel TDX messages) and write a recorded host with a TDX readiness checklist',
    )
    .option('-o, --out <file>', 'write the recorded host here instead of stdout')
    .addOption(forceOption())
    .option('--root <dir>', 'probe a copied /proc, /sys, /dev tree instead of this machine', '/')
    .option('--dmesg <file>', 'read the kernel messages from this saved log instead of /dev/kmsg')
    .option('--no-native', 'do not load the native addon (no CPUID)')
    .addHelpText(
      'after',
      '\nRun as root for MSRs (modprobe msr) and /dev/kmsg; without, the record says which facts are missing and why.\nExit status: 0 recorded, 2 bad input.',
    )
    .action((opts: RecordOptions) => {
      const root = opts.root ?? '/';
      if (opts.out) checkOutputTarget(opts.out, { force: opts.force });
      try {
        if (!statSync(root).isDirectory()) throw new InputError(`${root}: --root must be a directory`);
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`${root}: no such directory`);
      }
      const report = probeHost({
        root,
        dmesgFile: opts.dmesg,
        native: opts.native === false ? { ok: false, reason: 'disabled with --no-native' } : undefined,
      });
      const doc = recordDoc(report);
      writeDoc(doc, opts.out, { force: opts.force });
      writeMessages(renderReadiness(report.readiness));
      for (const m of report.missing) writeMessage(`missing: ${m.fact}: ${m.why}`);
      for (const a of report.result.assumptions) writeMessage(`assumed: ${a}`);
      if (!report.result.host) writeMessage(report.result.noHostReason ?? 'no host');
      process.exitCode = EXIT_OK;
    });
}
