/**
 * Kernel log text (dmesg, journalctl -k, excerpts pasted into issues): the
 * TDX lines of spec kernel-flow.md §6 in every wording kernels have used
 * ("virt/tdx:" or "tdx:", "KB"/"KBs", four module-version formats,
 * "module initialized"/"TDX-Module initialized"), the lines of init at boot
 * and Dynamic PAMT (dynamic-pamt.md §6: the XSAVE/MOVDIR64B/self-snoop
 * checks, "TDX-Module initialization failed", "Enable Dynamic PAMT",
 * "Module version: x.y.zz"), plus what identifies the
 * host and boot: command line, kernel release, hostname, CPU, BIOS-e820 and
 * SRAT lines. A new boot starts at a second "Command line:".
 */
import {
  type ArtifactFacts,
  MAX_PHYS,
  MAX_PRINTED_LINES,
  type TdxBoot,
  addWarning,
  hexNumber,
  noteIdentity,
} from './facts.js';
import { parseE820Line } from './e820.js';
import { IntervalSet, type WorkCounter } from './interval-set.js';
import { isElision } from './wrapping.js';

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DELTA = '(?:\\s*<\\s*\\d+\\.\\d+>)?';
/**
 * The time stamps dmesg puts before a message: seconds since boot ("[    0.000000]",
 * with -d "[    0.000000 <    0.000000>]"), -T / --time-format ctime
 * ("[Tue Nov  4 10:00:00 2025]"), reltime ("[Nov 4 10:00]", "[  +0.000123]"),
 * and --time-format iso ("2025-11-04T10:00:00,123456+00:00 ").
 */
const DMESG_STAMP = new RegExp(
  [
    `\\[\\s*\\d+\\.\\d+${DELTA}\\]`,
    `\\[${WEEKDAY} ${MONTH} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}${DELTA}\\]`,
    `\\[${MONTH}\\s?[ \\d]\\d \\d\\d:\\d\\d\\]`,
    `\\[\\s*[+<]\\s*\\d+\\.\\d+>?\\]`,
    `\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:[,.]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?(?= )`,
  ]
    .map((r) => `(?:${r})`)
    .join('|'),
);
const STAMP_AT_START = new RegExp(`^(?:${DMESG_STAMP.source})\\s?`);
/** journalctl and syslog: "Jun 06 12:00:01[.123456] host kernel: ", "2024-06-06T12:00:01+0000 host kernel: ", "Thu 2024-06-06 12:00:01 UTC host kernel: ". */
const JOURNAL = [
  new RegExp(`^${MONTH} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? (\\S+) kernel: (.*)$`),
  /^\d{4}-\d\d-\d\dT[\d:.,+-]+Z? (\S+) kernel: (.*)$/,
  new RegExp(`^${WEEKDAY} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\S+ (\\S+) kernel: (.*)$`),
];
/** dmesg -x ("kern  :info  : "), dmesg -r ("<6>"), /dev/kmsg records ("6,339,5140900,-;"). */
const LEVEL =
  /^(?:<\d{1,3}>|\d+,\d+,\d+,[^;]*;|(?:kern|user|daemon|syslog|local[0-7])\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?)/;

/** The line starts with a kernel log's prefix (a dmesg time stamp, a journal or syslog prefix, a level or kmsg record). */
export function hasKernelPrefix(line: string): boolean {
  const s = line.replace(/^\s*(?:>\s?)*/, '');
  return STAMP_AT_START.test(s) || LEVEL.test(s) || JOURNAL.some((j) => j.test(s));
}

/** Strips what surrounds a kernel message: quoting, the level, the time stamp, a journal prefix. */
export function kernelMessage(raw: string): { msg: string; host?: string } {
  let s = raw.replace(/^\s*(?:>\s?)*/, '').trimEnd();
  let host: string | undefined;
  s = s.replace(LEVEL, '');
  for (const j of JOURNAL) {
    const m = j.exec(s);
    if (m) {
      host = m[1];
      s = m[2];
      break;
    }
  }
  const stamp = STAMP_AT_START.exec(s);
  if (stamp) s = s.slice(stamp[0].length);
  // journalctl -o short-monotonic: "[    1.234567] host kernel: ..."
  const mono = host === undefined && stamp ? /^([\w.-]+) kernel: (.*)$/.exec(s) : null;
  if (mono) {
    host = mono[1];
    s = mono[2];
  }
  s = s.replace(/^<\d>/, '');
  return { msg: s, host };
}

/** The text after the TDX prefix, or undefined for other lines. */
function tdxText(msg: string): string | undefined {
  const m = /(?:^|\s)(?:virt\/)?tdx: (.*)$/.exec(msg);
  return m ? m[1] : undefined;
}

const KNOWN_FAILURES = [
  /^too few private KeyIDs available\.?$/,
  /^Hibernation support is enabled\.?$/,
  /^register_memory_notifier\(\) failed/,
  /^TDMR \[0x[0-9a-f]+, 0x[0-9a-f]+\): reserved areas exhausted\.?$/,
  /^TDMRs exhausted\.?$/,
  /^unable to find local NUMA node/,
];

/** Mainline tdx_enable()'s precondition lines (init at boot), and what each says is missing. */
const PRECONDITION_LINES: { re: RegExp; check: NonNullable<TdxBoot['preconditionFailed']> }[] = [
  { re: /^TDX not supported by the host platform$/, check: 'platform' },
  { re: /^XSAVE is required for TDX$/, check: 'xsave' },
  { re: /^MOVDIR64B is required for TDX$/, check: 'movdir64b' },
  { re: /^Self-snoop is required for TDX$/, check: 'self_snoop' },
];

/** Keeps a boot's TDX line as printed, for the evidence ("what the kernel printed"). */
function keepPrinted(b: TdxBoot, text: string, line: number): void {
  b.printed ??= [];
  if (b.printed.length < MAX_PRINTED_LINES) b.printed.push({ line, text });
  else b.printedOmitted = (b.printedOmitted ?? 0) + 1;
}

export function newBoot(firstLine: number): TdxBoot {
  return { firstLine, cmrs: [], outcome: 'no-init', seamcallFailures: [], truncated: [] };
}

/** Kernel release from a BOOT_IMAGE path ("/boot/vmlinuz-6.8.0-1004-intel"). */
function kernelFromCmdline(cmdline: string): string | undefined {
  const m = /BOOT_IMAGE=\S*vmlinuz-(\S+)/.exec(cmdline);
  return m ? m[1] : undefined;
}

export class DmesgParser {
  private boot: TdxBoot | undefined;
  /** The boot has printed TDX lines or its command line: a new "Command line:" is a reboot. */
  private bootHasContent = false;
  private lastTdxWasCmr = false;
  /** An elision ("...") came right after CMR lines; cleared if later CMR lines overlap the earlier ones. */
  private elidedAfterCmr = false;
  private lastWasE820 = false;
  /** An elision after e820 lines: the table is cut from here until the next e820 line. */
  private e820GapFrom: { start: number; line: number } | undefined;
  private expectUnameR = false;
  /** Per boot: the CMR lines kept, so each new line is checked in O(log n) (a list scan made import quadratic). */
  private cmrIndex = new WeakMap<TdxBoot, IntervalSet>();
  /** A line was read as a kernel message (the artifact is a kernel log, not only prose). */
  recognised = false;

  constructor(
    private readonly facts: ArtifactFacts,
    private readonly work?: WorkCounter,
  ) {}

  private current(lineNo: number): TdxBoot {
    if (!this.boot) {
      this.boot = newBoot(lineNo);
      this.facts.boots.push(this.boot);
    }
    return this.boot;
  }

  private addKernel(k: string, lineNo: number): void {
    noteIdentity(this.facts, 'kernel', k, lineNo);
  }

  addHost(h: string, lineNo: number): void {
    noteIdentity(this.facts, 'host', h, lineNo);
  }

  /** A shell command precedes the lines that follow (the output of `uname -r` is the kernel release). */
  command(cmd: string): void {
    this.expectUnameR = /\buname -r\b/.test(cmd);
  }

  /** An elision mark ("...") in the log: a CMR list or e820 table right before it is cut there. */
  elision(lineNo: number): void {
    if (this.lastTdxWasCmr) this.elidedAfterCmr = true;
    if (this.lastWasE820) {
      this.facts.e820Partial = true;
      const last = this.facts.e820[this.facts.e820.length - 1];
      this.e820GapFrom ??= { start: last.end, line: lineNo };
    }
  }

  line(raw: string, lineNo: number): void {
    if (this.work) this.work.steps++;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (isElision(trimmed.replace(/^(?:>\s*)+/, ''))) return this.elision(lineNo);
    if (this.expectUnameR) {
      this.expectUnameR = false;
      const k = /^(?:>\s*)?(\d+\.\d+\S*)$/.exec(trimmed);
      if (k) {
        this.addKernel(k[1], lineNo);
        return;
      }
    }
    const uname = /^Linux (\S+) (\d+\.\d+\.\d+\S*) #/.exec(trimmed);
    if (uname) {
      this.recognised = true;
      this.addHost(uname[1], lineNo);
      this.addKernel(uname[2], lineNo);
      return;
    }
    const bullet = /^[-*\s]*Kernel(?: version)?:\**\s*(\d+\.\d+\.\d+\S*)/i.exec(trimmed);
    if (bullet) {
      this.addKernel(bullet[1], lineNo);
      return;
    }

    const { msg, host } = kernelMessage(raw);
    if (host) this.addHost(host, lineNo);
    if (!this.recognised && (host || hasKernelPrefix(raw))) this.recognised = true;
    this.lastWasE820 = false;

    const e820 = parseE820Line(msg);
    if (e820) {
      this.recognised = true;
      if (this.e820GapFrom) {
        const { start, line } = this.e820GapFrom;
        this.facts.gaps.push({ table: 'e820', start, end: Math.max(start, e820.start), line });
        this.e820GapFrom = undefined;
      }
      this.facts.e820.push(e820);
      this.lastWasE820 = true;
      return;
    }
    const cmd = /^(Kernel )?[Cc]ommand line: (.*)$/.exec(msg);
    if (cmd) {
      this.recognised = true;
      const isBootStart = !cmd[1];
      if (isBootStart && this.boot && this.bootHasContent) this.boot = undefined;
      const b = this.current(lineNo);
      b.cmdline ??= cmd[2];
      const k = kernelFromCmdline(cmd[2]);
      if (k) {
        b.kernel ??= k;
        this.addKernel(k, lineNo);
      }
      this.bootHasContent = true;
      return;
    }
    const ver = /^Linux version (\d+\.\d+\.\d+\S*)/.exec(msg);
    if (ver) {
      if (this.boot && this.bootHasContent && this.boot.kernel !== undefined) this.boot = undefined;
      const b = this.current(lineNo);
      b.kernel = ver[1];
      this.addKernel(ver[1], lineNo);
      return;
    }
    const hostSet = /systemd\[1\]: Hostname set to <([^>]+)>/.exec(msg);
    if (hostSet) {
      this.addHost(hostSet[1], lineNo);
      return;
    }
    const cpu = /smpboot: CPU0: (.*?) \(family: (0x[0-9a-f]+), model: (0x[0-9a-f]+)/.exec(msg);
    if (cpu) {
      const b = this.current(lineNo);
      b.cpuModel = cpu[1];
      b.family = hexNumber(cpu[2]);
      b.model = hexNumber(cpu[3]);
      this.facts.cpuModel ??= cpu[1];
      return;
    }
    const srat = /SRAT: Node (\d+) PXM \d+ \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(msg);
    if (srat) {
      const start = hexNumber(srat[2]);
      const end = hexNumber(srat[3]);
      if (start !== undefined && end !== undefined)
        this.facts.nodeRanges.push({ start, end: end + 1, nid: Number(srat[1]) });
      return;
    }
    if (/kvm_intel: Failed to initialize TDX module/.test(msg)) {
      const b = this.current(lineNo);
      keepPrinted(b, msg, lineNo);
      if (b.outcome === 'no-init') b.outcome = 'failed';
      return;
    }
    const t = tdxText(msg);
    if (t === undefined) return;
    this.recognised = true;
    this.tdxLine(t, lineNo);
    keepPrinted(this.current(lineNo), msg.trim(), lineNo);
  }

  private tdxLine(t: string, lineNo: number): void {
    const b = this.current(lineNo);
    this.bootHasContent = true;
    this.lastTdxWasCmr = false;
    let m: RegExpExecArray | null;
    if ((m = /^BIOS enabled: private KeyID range \[(\d+), (\d+)\)/.exec(t))) {
      b.keyidRange = [Number(m[1]), Number(m[2])];
    } else if (/^Disable ACPI S3/.test(t)) {
      b.acpiS3Disabled = true;
    } else if (
      (m =
        /^TDX module: attributes 0x[0-9a-f]+, vendor_id 0x[0-9a-f]+, major_version (\d+), minor_version (\d+), build_date (\d+), build_num (\d+)/.exec(
          t,
        ))
    ) {
      b.moduleVersion = `${m[1]}.${m[2]}`;
      b.moduleBuild = `build ${m[4]}, ${m[3]}`;
      b.moduleLine = lineNo;
    } else if ((m = /^TDX module (\d+(?:\.\d+)+), build number (\d+), build date (\S+)/.exec(t))) {
      b.moduleVersion = m[1];
      b.moduleBuild = `build ${m[2]}, ${m[3]}`;
      b.moduleLine = lineNo;
    } else if ((m = /^TDX module version: (\d+(?:\.\d+)+)/.exec(t))) {
      b.moduleVersion = m[1];
      b.moduleLine = lineNo;
    } else if ((m = /^Module version: (\d+\.\d+\.\d+)$/.exec(t))) {
      // Printed even when the version reads failed ("0.0.00"): that is no version.
      if (m[1] !== '0.0.00') b.moduleVersion = m[1];
      b.moduleVersionLine = true;
      b.moduleLine = lineNo;
    } else if (/^Enable Dynamic PAMT$/.test(t)) {
      b.dpamtEnabled = true;
    } else if ((m = /^CMR: \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/.exec(t))) {
      this.cmr(b, hexNumber(m[1]), hexNumber(m[2]), lineNo);
      this.lastTdxWasCmr = true;
    } else if ((m = /^(\d+) KBs? allocated for PAMT/.exec(t))) {
      b.pamtKb = Number(m[1]);
      b.pamtLine = lineNo;
    } else if ((m = /^(module|TDX-Module) initialized/.exec(t))) {
      b.outcome = 'initialized';
      b.initWording = m[1] === 'TDX-Module' ? 'boot' : 'kvm-load';
    } else if ((m = /^(module |TDX-Module )?initialization failed \((-\d+)\)/.exec(t))) {
      b.errno = Number(m[2]);
      if (b.outcome !== 'not-enabled-by-bios') b.outcome = 'failed';
      b.failureLine ??= lineNo;
      if (m[1]) b.initWording = m[1] === 'TDX-Module ' ? 'boot' : 'kvm-load';
    } else if (PRECONDITION_LINES.some((p) => p.re.test(t))) {
      b.outcome = 'failed';
      b.failure = t;
      b.failureLine = lineNo;
      b.preconditionFailed = PRECONDITION_LINES.find((p) => p.re.test(t))!.check;
    } else if (/TDX is not enabled by BIOS/.test(t)) {
      b.outcome = 'not-enabled-by-bios';
      b.failure = 'TDX is not enabled by BIOS';
      b.failureLine = lineNo;
    } else if (/^module not loaded/.test(t)) {
      b.outcome = 'failed';
      b.failure = 'module not loaded';
      b.failureLine = lineNo;
    } else if ((m = /^initialization failed: (.*)$/.exec(t))) {
      b.outcome = 'failed';
      b.failureLine = lineNo;
      const reason = m[1].trim();
      if (KNOWN_FAILURES.some((re) => re.test(reason))) {
        b.failure = reason.replace(/\.$/, '');
        const r = /^TDMR \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/.exec(reason);
        if (r) b.failedTdmr = { start: hexNumber(r[1])!, end: hexNumber(r[2])! };
      } else {
        b.truncated.push({ line: lineNo, text: t });
        addWarning(this.facts, {
          line: lineNo,
          message: `kernel line cut short: "initialization failed: ${reason}" (the reason is not known)`,
        });
      }
    } else if ((m = /^SEAMCALL \((0x[0-9a-f]+)\) failed: (0x[0-9a-f]+)/.exec(t))) {
      b.seamcallFailures.push({ leaf: parseInt(m[1], 16), status: m[2], line: lineNo });
    } else if ((m = /^RCX 0x[0-9a-f]+ RDX (0x[0-9a-f]+)/.exec(t))) {
      const last = b.seamcallFailures[b.seamcallFailures.length - 1];
      if (last) last.rdx = m[1];
    } else if (
      /^(?:BIOS enabled|TDX module|Module version|CMR|\d+ KB|module init|TDX-Module|Enable Dyn)/.test(t) &&
      t.length < 40
    ) {
      b.truncated.push({ line: lineNo, text: t });
      addWarning(this.facts, { line: lineNo, message: `kernel line cut short: "${t}"` });
    }
  }

  private cmr(b: TdxBoot, base: number | undefined, end: number | undefined, lineNo: number): void {
    if (base === undefined || end === undefined || end <= base || end > MAX_PHYS) {
      addWarning(this.facts, { line: lineNo, message: 'CMR line with an unusable range, ignored' });
      return;
    }
    let index = this.cmrIndex.get(b);
    if (!index) {
      index = new IntervalSet(this.work);
      this.cmrIndex.set(b, index);
    }
    // Kept CMRs are disjoint, so a repeated line is exactly the range the index finds for it.
    const kept = index.overlapping(base, end);
    if (kept && kept.start === base && kept.end === end) {
      // Overlapping excerpt chunks repeat lines: a repeat proves the list continues across an elision.
      this.elidedAfterCmr = false;
      return;
    }
    if (kept) {
      addWarning(this.facts, {
        line: lineNo,
        message: `CMR [0x${base.toString(16)}, 0x${end.toString(16)}) overlaps an earlier CMR line, ignored`,
      });
      return;
    }
    if (this.elidedAfterCmr) b.cmrsPartial = true;
    index.add(base, end);
    b.cmrs.push({ start: base, end });
    if (!this.facts.seenAt.has('cmrs')) this.facts.seenAt.set('cmrs', lineNo);
  }

  finish(): void {
    for (const b of this.facts.boots) b.cmrs.sort((x, y) => x.start - y.start);
    if (this.e820GapFrom) {
      this.facts.gaps.push({
        table: 'e820',
        start: this.e820GapFrom.start,
        end: MAX_PHYS,
        line: this.e820GapFrom.line,
      });
      this.e820GapFrom = undefined;
    }
    // An elision after the CMR lines with nothing proving the list went on: the list is cut.
    if (this.elidedAfterCmr && this.boot) this.boot.cmrsPartial = true;
  }
}
