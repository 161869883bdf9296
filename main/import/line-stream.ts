/**
 * Reads a file line by line with bounded memory: the whole file is never
 * held, and a single line is capped (a 1 GiB file without newlines must not
 * become a 1 GiB string). Lines past the cap are cut and reported.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE_CHARS = 64 * 1024;

export interface LineSink {
  (line: string, lineNo: number): void;
}

/** Calls sink for every line; resolves to the number of lines and how many were cut. */
export async function forEachLine(file: string, sink: LineSink): Promise<{ lines: number; cut: number[] }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNo = 0;
  let overlong = false;
  const cut: number[] = [];
  // `overlong`: the pending text already lost its tail (the line was longer than the cap).
  const emit = (text: string, cutHere: boolean) => {
    lineNo++;
    if (overlong || cutHere) {
      if (cut.length < 10) cut.push(lineNo);
      overlong = false;
    }
    const line = text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text;
    sink(line.endsWith('\r') ? line.slice(0, -1) : line, lineNo);
  };
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream) {
    const text = pending + decoder.write(chunk as Buffer);
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      emit(text.slice(from, Math.min(nl, from + MAX_LINE_CHARS + 1)), nl - from > MAX_LINE_CHARS);
      from = nl + 1;
    }
    pending = text.slice(from);
    if (pending.length > MAX_LINE_CHARS) {
      // Keep only the start of an overlong line; the rest is dropped until its newline.
      pending = pending.slice(0, MAX_LINE_CHARS);
      overlong = true;
    }
  }
  const rest = pending + decoder.end();
  if (rest.length) emit(rest, rest.length > MAX_LINE_CHARS);
  return { lines: lineNo, cut };
}
