/**
 * Probes a host: reads its /proc, /sys and /dev tree under `root` ("/" live,
 * a fixture tree in tests), CPUID through the optional native addon and
 * MSRs through /dev/cpu/0/msr, and builds the host, the readiness checklist
 * and the provenance. Nothing here throws for a missing source: each one
 * lands in `failed`/`missing` with the reason.
 */
import { ArtifactParser } from '../../engine/import/artifact.js';
import {
  type ArtifactFacts,
  ArtifactError,
  emptyFacts,
  hasTdxLines,
  noteIdentity,
  type TdxBoot,
} from '../../engine/import/facts.js';
import { buildHost, type ImportResult } from '../../engine/import/build-host.js';
import type { SourcedFacts } from '../../engine/import/same-host.js';
import { loadNative, type NativeLoad } from '../../native/index.js';
import { readCpuid, type CpuidFacts } from '../../native/cpuid.js';
import { readinessChecklist, type Readiness } from '../../engine/readiness/checklist.js';
import { observedBoot } from '../../engine/import/observed.js';
import { readKmsg } from './kmsg.js';
import { readCxlAndDax, readFirmwareMemmap, readMemoryBlocks, readNodes } from './memory.js';
import { MSR, msrReaderFor, type MsrRead, type MsrReader } from './msr.js';
import { SysRoot } from './sysfs-read.js';
import { readTdxHost, type TdxHostDevice } from './tdx-host.js';
import { readTextFile } from '../node/input-file.js';

export interface ProbeOptions {
  root?: string;
  /** A saved dmesg/journal text file instead of <root>/dev/kmsg. */
  dmesgFile?: string;
  msr?: MsrReader;
  /** The native addon; default: loadNative(). null: do not execute CPUID (probing a recorded tree). */
  native?: NativeLoad | null;
}

export interface CpuInfo {
  cpus: number;
  packages: number;
  model?: string;
  flags: string[];
}

export interface ProbeReport {
  root: string;
  hostname?: string;
  kernel?: string;
  cmdline?: string;
  cpuinfo?: CpuInfo;
  cpuid?: CpuidFacts;
  msrs: { index: string; value?: string; why?: string }[];
  kvmTdxParam?: string;
  /** Mainline's tdx_host device, where present: module version and whether an update is possible. */
  tdxHost?: TdxHostDevice;
  memoryBlocks: number;
  nodes: number[];
  boot?: TdxBoot;
  readiness: Readiness;
  result: ImportResult;
  sources_read: { source: string; what: string }[];
  sources_failed: { source: string; why: string }[];
  /** Facts the probe could not establish, and why. */
  missing: { fact: string; why: string }[];
  /** Raw text of what was parsed, for the record. */
  artifacts: Record<string, string>;
}

/** TDX flags of /proc/cpuinfo worth recording. */
const FLAGS = ['tme', 'tdx_host_platform', 'sgx', 'vmx', 'pconfig'];

export function parseCpuinfo(text: string): CpuInfo {
  const packages = new Set<string>();
  let cpus = 0;
  let model: string | undefined;
  let flags: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'processor') cpus++;
    else if (m[1] === 'physical id') packages.add(m[2]);
    else if (m[1] === 'model name') model ??= m[2];
    else if (m[1] === 'flags' && !flags.length) flags = m[2].split(/\s+/).filter((f) => FLAGS.includes(f));
  }
  return { cpus, packages: Math.max(packages.size, cpus ? 1 : 0), model, flags };
}

function parseText(source: string, text: string, failed: { source: string; why: string }[]): ArtifactFacts | undefined {
  const p = new ArtifactParser(source);
  const lines = text.split('\n');
  try {
    lines.forEach((l, i) => p.line(l, i + 1));
    return p.finish();
  } catch (e) {
    if (e instanceof ArtifactError) {
      failed.push({ source, why: `line ${e.line ?? '?'}: ${e.message}` });
      return undefined;
    }
    throw e;
  }
}

export function probeHost(opts: ProbeOptions = {}): ProbeReport {
  const root = opts.root ?? '/';
  const sys = new SysRoot(root);
  const missing: { fact: string; why: string }[] = [];
  const artifacts: Record<string, string> = {};
  const list: SourcedFacts[] = [];
  const base = emptyFacts('lsmem');

  const hostname = sys.text('proc/sys/kernel/hostname', 'hostname');
  const kernel = sys.text('proc/sys/kernel/osrelease', 'kernel release');
  if (hostname.ok) noteIdentity(base, 'host', hostname.value.trim());
  if (kernel.ok) noteIdentity(base, 'kernel', kernel.value.trim());
  const cmdline = sys.text('proc/cmdline', 'kernel command line');
  if (cmdline.ok) artifacts['/proc/cmdline'] = cmdline.value.trim();
  else missing.push({ fact: 'kernel command line', why: `/proc/cmdline: ${cmdline.why}` });

  let cpuinfo: CpuInfo | undefined;
  const ci = sys.text('proc/cpuinfo', 'CPUs and packages');
  if (ci.ok) {
    cpuinfo = parseCpuinfo(ci.value);
    base.cpuModel = cpuinfo.model;
  } else missing.push({ fact: 'CPUs and packages', why: `/proc/cpuinfo: ${ci.why}` });

  // CPUID: only on the machine itself.
  let cpuid: CpuidFacts | undefined;
  let cpuidWhy: string | undefined;
  const native = opts.native === undefined ? (root === '/' ? loadNative() : null) : opts.native;
  if (native === null) cpuidWhy = `probing the tree at ${root}, not this machine's CPU`;
  else if (!native.ok) cpuidWhy = native.reason;
  else cpuid = readCpuid(native.cpuid);
  if (cpuidWhy) missing.push({ fact: 'CPUID (TME/SGX support, family/model)', why: cpuidWhy });

  // MSRs from CPU 0 (package-scoped on these parts; CPU 0 stands for its package).
  const reader = opts.msr ?? msrReaderFor(root, 0);
  const msrs = new Map<number, MsrRead>();
  for (const idx of [
    MSR.TME_ACTIVATE,
    MSR.KEYID_PARTITIONING,
    MSR.MTRRCAP,
    MSR.SEAMRR_PHYS_BASE,
    MSR.SEAMRR_PHYS_MASK,
    MSR.MCHECK_STATUS,
  ]) {
    const r = reader.read(idx);
    msrs.set(idx, r);
    if (!r.ok) missing.push({ fact: `MSR 0x${idx.toString(16)}`, why: r.why });
  }
  if ([...msrs.values()].some((r) => r.ok)) sys.read.push({ source: reader.source, what: 'MSRs' });
  else sys.failed.push({ source: reader.source, why: [...msrs.values()].map((r) => (r.ok ? '' : r.why))[0] });

  const kvm = sys.text('sys/module/kvm_intel/parameters/tdx', 'kvm_intel tdx parameter', { quiet: true });
  if (!kvm.ok)
    missing.push({
      fact: 'kvm_intel tdx parameter',
      why: kvm.why === 'not present' ? 'kvm_intel not loaded or without TDX support' : kvm.why,
    });

  const tdxHost = readTdxHost(sys, missing);

  // Firmware map, iomem, memory blocks, nodes, CXL/DAX.
  readFirmwareMemmap(sys, base);
  const iomem = sys.text('proc/iomem', 'physical memory map');
  if (iomem.ok) {
    const f = parseText('/proc/iomem', iomem.value, sys.failed);
    if (f) {
      list.push({ source: '/proc/iomem', facts: f });
      artifacts['/proc/iomem'] = iomem.value;
    } else missing.push({ fact: 'physical memory map', why: sys.failed[sys.failed.length - 1].why });
  }
  const blocks = readMemoryBlocks(sys, base, missing);
  const nodes = readNodes(sys, base);
  readCxlAndDax(sys, base);

  // The kernel's TDX messages.
  let boot: TdxBoot | undefined;
  let kmsgWhy: string | undefined;
  let kmsgLines: string[] | undefined;
  let kmsgNoTdx = false;
  if (opts.dmesgFile) {
    // A file the user named: any problem with it is bad input (exit 2), not a missing fact.
    kmsgLines = readTextFile(opts.dmesgFile, 'dmesg').split('\n');
    sys.read.push({ source: opts.dmesgFile, what: 'kernel messages' });
  } else {
    const k = readKmsg(sys.path('dev/kmsg'), '/dev/kmsg');
    if (k.ok) {
      kmsgLines = k.lines;
      sys.read.push({ source: '/dev/kmsg', what: 'kernel messages' });
    } else {
      kmsgWhy = `/dev/kmsg: ${k.why}`;
      sys.failed.push({ source: '/dev/kmsg', why: k.why });
    }
  }
  if (kmsgLines) {
    const f = parseText(opts.dmesgFile ?? '/dev/kmsg', kmsgLines.join('\n'), sys.failed);
    if (f) {
      // Keep the lines that matter, not the whole log.
      artifacts['kernel messages'] = kmsgLines
        .filter((l) => /tdx|Command line|Linux version|e820|SRAT|smpboot: CPU0/i.test(l))
        .join('\n');
      boot = f.boots.filter(hasTdxLines).pop();
      if (!boot) {
        kmsgNoTdx = true;
        kmsgWhy = 'no virt/tdx lines in the kernel messages (the kernel found no TDX KeyIDs, or the log has rotated)';
      }
      list.push({ source: opts.dmesgFile ?? '/dev/kmsg', facts: f });
    }
  }
  if (!boot) missing.push({ fact: 'TDX kernel messages', why: kmsgWhy ?? 'none' });

  if (base.e820.length)
    artifacts['/sys/firmware/memmap'] = base.e820
      .map((e) => `0x${e.start.toString(16)} 0x${(e.end - 1).toString(16)} ${e.type}`)
      .join('\n');
  list.unshift({ source: root, facts: base });
  const result = buildHost(list, hostname.ok ? hostname.value.trim() : undefined);
  // The running module's version from tdx_host is exact (and current after an update): it wins over the log.
  if (result.host && tdxHost?.version) {
    if (result.host.module.version !== tdxHost.version)
      result.assumptions.push(
        `module version ${tdxHost.version} from ${tdxHost.path}/version${result.host.module.version ? ` (the log said ${result.host.module.version}; a runtime update since boot changes it)` : ''}`,
      );
    result.host.module.version = tdxHost.version;
    result.facts = result.facts.filter((f) => f.id !== 'module-version');
    result.facts.push({
      id: 'module-version',
      label: 'module version',
      value: tdxHost.version,
      basis: 'observed',
      source: `${tdxHost.path}/version`,
    });
  }
  const readiness = readinessChecklist({
    msrs,
    cpuid,
    cpuidWhy,
    cpuFlags: cpuinfo?.flags,
    cmdline: cmdline.ok ? cmdline.value.trim() : undefined,
    kvmTdxParam: kvm.ok ? kvm.value : undefined,
    boot: boot
      ? observedBoot(boot, opts.dmesgFile ?? '/dev/kmsg', kernel.ok ? kernel.value.trim() : undefined)
      : undefined,
    kmsgWhy,
    kmsgNoTdx,
    kernel: kernel.ok ? kernel.value.trim() : undefined,
  });

  return {
    root,
    hostname: hostname.ok ? hostname.value.trim() : undefined,
    kernel: kernel.ok ? kernel.value.trim() : undefined,
    cmdline: cmdline.ok ? cmdline.value.trim() : undefined,
    cpuinfo,
    cpuid,
    msrs: [...msrs].map(([i, r]) =>
      r.ok
        ? { index: `0x${i.toString(16)}`, value: `0x${r.value.toString(16)}` }
        : { index: `0x${i.toString(16)}`, why: r.why },
    ),
    kvmTdxParam: kvm.ok ? kvm.value.trim() : undefined,
    tdxHost,
    memoryBlocks: blocks.length,
    nodes,
    boot,
    readiness,
    result,
    sources_read: sys.read,
    sources_failed: sys.failed,
    missing,
    artifacts,
  };
}
