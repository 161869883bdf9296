/**
 * What the omnibox (Ctrl/Cmd+K or `/`) understands, in the manner of IGV's
 * locus box: an address, a range, a named object or a module status. Pure
 * and browser-safe: the renderer parses as you type, the document worker
 * resolves the same query on a big host. A query is never guessed at: text
 * that is none of these is searched for in the log and the tables.
 *
 *   0x7e000000                 an address
 *   [0x7e000000, 0x80000000)   a range (`]` is inclusive; `a-b` and `a..b` are [a, b))
 *   0x7e000000+64M             a range by its start and size (K, M, G, T: binary units; or hex)
 *   TDMR 3 · memblock 12 · node 1 · CMR 0      an object by its number
 *   cxl0 · nvdimm1             a device by name
 *   memory5068                 a memory block, as sysfs names it
 *   TDX_TDMR_OUTSIDE_CMRS      a status name from the module's status table
 */
import { STATUS_NAMES } from '../../engine/module/statuses.js';

export type OmniboxQuery =
  | { kind: 'address'; addr: number }
  | { kind: 'range'; start: number; end: number }
  | { kind: 'tdmr'; index: number }
  | { kind: 'memblock'; index: number }
  | { kind: 'cmr'; index: number }
  | { kind: 'node'; nid: number }
  | { kind: 'memory-block'; block: number }
  | { kind: 'status'; name: string }
  /** A device name, or any other word: matched against devices, then searched for in the log and tables. */
  | { kind: 'text'; text: string }
  /** Looks like one of the forms but is not a valid one: says why. */
  | { kind: 'invalid'; message: string };

/** Addresses the lab handles are below 2^52 (the host format's limit). */
const MAX_ADDR = 2 ** 52;

const UNIT: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `0x7e00_0000` (underscores and spaces between digit groups allowed): a number below 2^52, or undefined. */
function parseHexNumber(s: string): number | undefined {
  const m = /^0x([0-9a-f][0-9a-f_]*)$/i.exec(s.trim());
  if (!m) return undefined;
  const digits = m[1].replace(/_/g, '').replace(/^0+(?=.)/, '');
  if (digits.length > 14) return Infinity;
  return parseInt(digits, 16);
}

/** A size: hex bytes, or a decimal number with an optional binary unit (`64M`, `1.5 GiB`, `4096`). */
function parseSize(s: string): number | undefined {
  const t = s.trim();
  const h = parseHexNumber(t);
  if (h !== undefined) return h;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)$/i.exec(t);
  if (!m) return undefined;
  const unit = UNIT[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : n > 0 && Number.isFinite(n) ? Math.round(n) : undefined;
}

function checkAddr(a: number, what: string): string | null {
  if (!Number.isFinite(a) || a > MAX_ADDR) return `${what} is past 2^52, the highest physical address the lab handles`;
  return null;
}

function range(start: number, end: number): OmniboxQuery {
  const bad = checkAddr(start, 'the start') ?? checkAddr(end, 'the end');
  if (bad) return { kind: 'invalid', message: bad };
  if (end <= start) return { kind: 'invalid', message: 'the range is empty: its end is not above its start' };
  return { kind: 'range', start, end };
}

const NAMED: Array<[RegExp, (n: number) => OmniboxQuery]> = [
  [/^tdmr[\s#_-]*(\d+)$/i, (n) => ({ kind: 'tdmr', index: n })],
  [/^memblock[\s#_-]*(\d+)$/i, (n) => ({ kind: 'memblock', index: n })],
  [/^(?:region|memblock region)[\s#_-]*(\d+)$/i, (n) => ({ kind: 'memblock', index: n })],
  [/^cmr[\s#_-]*(\d+)$/i, (n) => ({ kind: 'cmr', index: n })],
  [/^(?:numa\s+)?node[\s#_-]*(\d+)$/i, (n) => ({ kind: 'node', nid: n })],
  [/^memory[\s_-]*(\d+)$/i, (n) => ({ kind: 'memory-block', block: n })],
];

export function parseOmniboxQuery(input: string): OmniboxQuery | null {
  const q = input.trim();
  if (!q) return null;
  if (q.length > 200) return { kind: 'invalid', message: 'the query is longer than 200 characters' };

  // [a, b) or [a, b]
  const br = /^\[\s*([^,\]]+?)\s*,\s*([^,)\]]+?)\s*([)\]])$/.exec(q);
  if (br) {
    const a = parseHexNumber(br[1]);
    const b = parseHexNumber(br[2]);
    if (a === undefined || b === undefined)
      return { kind: 'invalid', message: 'a range is written [0xSTART, 0xEND) with hex addresses' };
    return range(a, br[3] === ']' ? b + 1 : b);
  }
  // a+size
  const plus = /^(0x[0-9a-f_]+)\s*\+\s*(.+)$/i.exec(q);
  if (plus) {
    const a = parseHexNumber(plus[1])!;
    const size = parseSize(plus[2]);
    if (size === undefined)
      return { kind: 'invalid', message: `${plus[2].trim()} is not a size (write 64M, 1G, 0x4000000 or a byte count)` };
    return range(a, a + size);
  }
  // a-b, a..b, a – b
  const dash = /^(0x[0-9a-f_]+)\s*(?:-|\.\.|–)\s*(0x[0-9a-f_]+)$/i.exec(q);
  if (dash) return range(parseHexNumber(dash[1])!, parseHexNumber(dash[2])!);
  const single = parseHexNumber(q);
  if (single !== undefined) {
    const bad = checkAddr(single, 'the address');
    return bad ? { kind: 'invalid', message: bad } : { kind: 'address', addr: single };
  }
  for (const [re, make] of NAMED) {
    const m = re.exec(q);
    if (m) return make(Number(m[1]));
  }
  if (/^TDX_[A-Z0-9_]+$/i.test(q)) {
    const name = q.toUpperCase();
    if ((STATUS_NAMES as readonly string[]).includes(name)) return { kind: 'status', name };
    const near = STATUS_NAMES.filter((s) => s.startsWith(name) || s.includes(name.slice(4)));
    return {
      kind: 'invalid',
      message: `${name} is not a status the TDX module returns${near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : ''}`,
    };
  }
  return { kind: 'text', text: q };
}

/** The module's status names, for the omnibox's suggestions. */
export const OMNIBOX_STATUS_NAMES: readonly string[] = STATUS_NAMES;

/** The forms the omnibox takes, as its help lists them. */
export const OMNIBOX_FORMS: ReadonlyArray<[string, string]> = [
  ['0x7e000000', 'an address'],
  ['[0x7e000000, 0x80000000)', 'a range'],
  ['0x7e000000+64M', 'a start and a size'],
  ['TDMR 3', 'a TDMR'],
  ['memblock 12', 'a memblock region'],
  ['node 1', 'a NUMA node'],
  ['CMR 0', 'a CMR'],
  ['cxl0', 'a device'],
  ['memory5068', 'a memory block'],
  ['TDX_TDMR_OUTSIDE_CMRS', 'a module status'],
];
