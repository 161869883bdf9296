/**
 * Model-specific registers the TDX readiness check reads, from the msr
 * driver's /dev/cpu/N/msr: a pread of 8 bytes at the MSR index as the file
 * offset (needs root and `modprobe msr`). Fixture trees may instead hold
 * dev/cpu/N/msr.txt with "INDEX VALUE" hex lines.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readProbeFile, reason } from './sysfs-read.js';

export const MSR = {
  /** IA32_MKTME_KEYID_PARTITIONING: 31:0 MKTME KeyIDs, 63:32 TDX private KeyIDs. */
  KEYID_PARTITIONING: 0x87,
  /** Read by canonical/tdx's scripts as the SGX/MCHECK status; expected 0. */
  MCHECK_STATUS: 0xa0,
  /** IA32_MTRRCAP: bit 15 = SEAMRR supported. */
  MTRRCAP: 0xfe,
  /** IA32_TME_ACTIVATE: bit 0 lock, bit 1 TME enable. */
  TME_ACTIVATE: 0x982,
  /** IA32_SEAMRR_PHYS_BASE / MASK: MASK bit 11 = range enabled (SEAM loaded region). */
  SEAMRR_PHYS_BASE: 0x1400,
  SEAMRR_PHYS_MASK: 0x1401,
} as const;

export type MsrRead = { ok: true; value: bigint } | { ok: false; why: string };

export interface MsrReader {
  /** Human name of the source ("/dev/cpu/0/msr"). */
  readonly source: string;
  read(index: number): MsrRead;
}

/** pread(fd, 8, index) on the msr device. */
export class DevMsrReader implements MsrReader {
  constructor(
    private readonly file: string,
    readonly source: string,
  ) {}

  read(index: number): MsrRead {
    let fd: number;
    try {
      // Non-blocking, and only a device or a regular file: a FIFO put in its place must not hang the probe.
      fd = openSync(this.file, constants.O_RDONLY | constants.O_NONBLOCK);
      const st = fstatSync(fd);
      if (!st.isCharacterDevice() && !st.isFile()) {
        closeSync(fd);
        return {
          ok: false,
          why: `${this.source}: ${st.isDirectory() ? 'is a directory, not a file' : 'not a device or a regular file'}`,
        };
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return { ok: false, why: `${this.source} not present (load the msr driver: modprobe msr)` };
      return { ok: false, why: `${this.source}: ${reason(e)}` };
    }
    try {
      const buf = Buffer.alloc(8);
      const n = readSync(fd, buf, 0, 8, index);
      if (n !== 8) return { ok: false, why: `${this.source}: MSR 0x${index.toString(16)} not readable (short read)` };
      return { ok: true, value: buf.readBigUInt64LE(0) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EIO')
        return { ok: false, why: `${this.source}: MSR 0x${index.toString(16)} not implemented on this CPU` };
      return { ok: false, why: `${this.source}: ${reason(e)}` };
    } finally {
      closeSync(fd);
    }
  }
}

/** "0x982 0x3" lines: recorded values standing in for the device in fixture trees. */
export class TextMsrReader implements MsrReader {
  private readonly values = new Map<number, bigint>();
  constructor(
    file: string,
    readonly source: string,
  ) {
    for (const line of readProbeFile(file).split('\n')) {
      const m = /^\s*(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s*(?:#.*)?$/.exec(line);
      if (m) this.values.set(parseInt(m[1], 16), BigInt(m[2]));
    }
  }

  read(index: number): MsrRead {
    const v = this.values.get(index);
    return v === undefined
      ? { ok: false, why: `${this.source}: MSR 0x${index.toString(16)} not recorded` }
      : { ok: true, value: v };
  }
}

/** The reader for CPU `cpu` under `root`: the device, or a recorded text file. */
export function msrReaderFor(root: string, cpu = 0): MsrReader {
  const dev = join(root, 'dev', 'cpu', String(cpu), 'msr');
  const txt = dev + '.txt';
  if (!existsSync(dev) && existsSync(txt)) return new TextMsrReader(txt, `/dev/cpu/${cpu}/msr (recorded in msr.txt)`);
  return new DevMsrReader(dev, `/dev/cpu/${cpu}/msr`);
}

/** Bits hi:lo of a 64-bit value. */
export function bits(v: bigint, hi: number, lo: number): number {
  return Number((v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));
}
