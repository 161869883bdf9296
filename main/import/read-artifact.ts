/**
 * Reads one artifact file: refuses binary files, streams the text line by
 * line into the recognising parser (engine/import/artifact.ts), and turns
 * every parse error into one InputError naming the file and line.
 */
import { readSync, closeSync } from 'node:fs';
import { ArtifactParser } from '../../engine/import/artifact.js';
import { ArtifactError } from '../../engine/import/facts.js';
import type { SourcedFacts } from '../../engine/import/same-host.js';
import { InputError, openInput } from '../node/input-file.js';
import { forEachLine, MAX_LINE_CHARS } from './line-stream.js';

export interface ReadArtifact extends SourcedFacts {
  lines: number;
}

/** The offset of the first byte that makes the head of the file binary, or -1. */
export function binaryOffset(head: Buffer): number {
  const nul = head.indexOf(0);
  if (nul >= 0) return nul;
  let control = 0;
  for (const b of head) if (b < 9 || (b > 13 && b < 32)) control++;
  return head.length > 0 && control / head.length > 0.1 ? 0 : -1;
}

function lineOfOffset(head: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (head[i] === 10) line++;
  return line;
}

export async function readArtifact(file: string): Promise<ReadArtifact> {
  // The lab's one reader opens it: regular files only, within the artifact size limit (docs/inputs.md).
  const { fd, size } = openInput(file, 'artifact');
  let head: Buffer;
  try {
    if (size === 0) throw new InputError(`${file}: empty file`);
    head = Buffer.alloc(Math.min(64 * 1024, size));
    readSync(fd, head, 0, head.length, 0);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read (${code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)})`,
    );
  } finally {
    closeSync(fd);
  }
  const bin = binaryOffset(head);
  if (bin >= 0)
    throw new InputError(
      `${file}:${lineOfOffset(head, bin)}: binary data (byte ${bin} is 0x${head[bin].toString(16).padStart(2, '0')}): not a text log or dump`,
    );

  const parser = new ArtifactParser(file);
  let lines = 0;
  let cut: number[] = [];
  try {
    ({ lines, cut } = await forEachLine(file, (l, n) => parser.line(l, n)));
    const facts = parser.finish();
    for (const n of cut)
      facts.warnings.push({ line: n, message: `line longer than ${MAX_LINE_CHARS} characters, read only its start` });
    if (
      !facts.boots.length &&
      !facts.e820.length &&
      !facts.iomemRam.length &&
      !facts.nodeRanges.length &&
      !facts.cxlRegions.length &&
      !facts.daxDevices.length &&
      !facts.cxlMemdevs.length &&
      !facts.otherListed &&
      !facts.kinds.includes('cxl-list') &&
      !facts.hostJson &&
      !facts.nodeSizesMb.size
    ) {
      throw new InputError(
        `${file}:1: nothing recognised (expected a kernel log, system-report.sh output, /proc/iomem, an e820/memmap dump, lsmem, numactl -H, cxl list or a recorded host)`,
      );
    }
    return { source: file, facts, lines };
  } catch (e) {
    if (e instanceof ArtifactError)
      throw new InputError(`${file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`);
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new InputError(`${file}: cannot read (${code})`);
    throw e;
  }
}
