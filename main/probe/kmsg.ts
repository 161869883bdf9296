/**
 * The kernel's messages: a dmesg text file if given, else <root>/dev/kmsg.
 * /dev/kmsg hands out one record per read ("PRIO,SEQ,USEC,FLAGS;text") and
 * blocks at the end, so it is opened non-blocking and read until EAGAIN.
 * Records become "[   sec.usec] text" lines for the dmesg parser.
 */
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { reason } from './sysfs-read.js';

export type KmsgRead = { ok: true; lines: string[]; source: string } | { ok: false; source: string; why: string };

/** One /dev/kmsg record as a dmesg line; undefined for continuation/dictionary lines. */
export function kmsgRecordToLine(rec: string): string | undefined {
  const m = /^(\d+),(\d+),(\d+),[^;]*;(.*)$/.exec(rec);
  if (!m) return undefined;
  const usec = Number(m[3]);
  const ts = `${Math.floor(usec / 1e6)}.${String(usec % 1e6).padStart(6, '0')}`;
  return `[${ts.padStart(12)}] ${m[4]}`;
}

const KMSG_MAX_BYTES = 64 * 1024 * 1024;

export function readKmsg(file: string, source: string): KmsgRead {
  let fd: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return { ok: false, source, why: 'is a directory, not a file' };
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, source, why: reason(e) };
  }
  const lines: string[] = [];
  const buf = Buffer.alloc(16 * 1024);
  let carry = '';
  let total = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break; // the end of the ring buffer
        if (code === 'EPIPE') continue; // a record was overwritten while reading
        return { ok: false, source, why: reason(e) };
      }
      if (n === 0) break;
      // The kernel's ring buffer is a few MiB; a device that never ends (a copied tree's /dev/zero) is not it.
      total += n;
      if (total > KMSG_MAX_BYTES)
        return { ok: false, source, why: `more than ${KMSG_MAX_BYTES / 2 ** 20} MiB: not the kernel's message buffer` };
      const text = carry + buf.toString('utf8', 0, n);
      const parts = text.split('\n');
      carry = parts.pop() ?? '';
      // A record is at most a few KiB: a longer unterminated one is not a kmsg record.
      if (carry.length > 64 * 1024) carry = '';
      for (const p of parts) {
        const l = kmsgRecordToLine(p);
        if (l !== undefined) lines.push(l);
      }
    }
    const l = kmsgRecordToLine(carry);
    if (l !== undefined) lines.push(l);
  } finally {
    closeSync(fd);
  }
  return { ok: true, lines, source };
}
