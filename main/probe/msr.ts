/**
 * Model-specific registers the TDX readiness check reads, from the msr
 * driver's /dev/cpu/N/msr: a pread of 8 bytes at the MSR index as the file
 * offset (needs root and `modprobe msr`). Fixture trees may instead hold
 * dev/cpu/N/msr.txt with "INDEX VALUE" hex lines.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readProbeFile, reason } from './sysfs-read.js';

export { MSR, bits, type MsrRead } from '../../engine/readiness/msr.js';
import type { MsrRead } from '../../engine/readiness/msr.js';

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
