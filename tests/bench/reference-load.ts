/**
 * The reference load of the bench's two-process ceiling (ceiling.ts): a
 * CPU loop plus allocations (short-lived objects, arrays and strings, the
 * kind of garbage the emulator makes) for a fixed amount of work. Prints
 * the milliseconds the work took, start-up excluded.
 */
import { performance } from 'node:perf_hooks';

const rounds = Number(process.argv[2] ?? 10_000_000);
const t0 = performance.now();
let acc = 0;
let keep: unknown[] = [];
for (let i = 0; i < rounds; i++) {
  const o = { start: i * 4096, end: i * 4096 + 4096, nid: i & 7, parts: [i, i + 1, i + 2] };
  const s = 'tdmr' + (i & 1023);
  acc += o.parts[2] + s.length + (o.end - o.start);
  // Some objects live a little longer, as rows and plans do, so the GC works too.
  if ((i & 63) === 0) keep.push(o);
  if (keep.length > 4096) keep = [];
}
process.stdout.write(`${performance.now() - t0} ${acc}\n`);
