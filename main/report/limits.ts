/**
 * How big a host a report lays out (docs/reports.md, "Limits"). A report
 * emulates the host, then builds the map model with a shape for every
 * memblock region, TDX memory region, TDMR, reserved area and PAMT
 * (renderer/map), and draws it several times (the full view and the insets).
 * Its peak memory grows with the regions (`npm run bench -- "report memory"`:
 * 364 MiB at 100k, 1,711 MiB at 700k, 2,418 MiB at 1M, 3,144 MiB at 2M; a 5M
 * host aborted out of V8 heap at 4.5 GB), so a host with more regions than
 * fit the budget is refused before any of that work, with its size named and
 * what to use instead.
 */
import { dirname, resolve } from 'node:path';
import { InputError, readJsonFile } from '../node/input-file.js';
import { isScenarioJson } from '../node/scenario-file.js';

/** The peak memory a report is allowed. */
export const REPORT_MEMORY_BUDGET = '2 GiB';
/** Memblock regions a report lays out within REPORT_MEMORY_BUDGET (measured: docs/reports.md, "Limits"). */
export const MAX_REPORT_REGIONS = 700_000;
/** Raises (or lowers) the limit for one run, on a machine with the memory for it. */
export const REPORT_REGIONS_ENV = 'TDX_LAB_REPORT_MAX_REGIONS';

/** The limit in force: TDX_LAB_REPORT_MAX_REGIONS when set, else MAX_REPORT_REGIONS. */
export function reportRegionLimit(): number {
  const raw = process.env[REPORT_REGIONS_ENV];
  if (raw === undefined || raw === '') return MAX_REPORT_REGIONS;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InputError(`${REPORT_REGIONS_ENV}: expected a whole number of regions, got ${JSON.stringify(raw)}`);
  return n;
}

const count = (n: number) => n.toLocaleString('en-US');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** memblock regions of a host document, or of a golden case's `input` (0 when it has none: validation says why). */
function memblockCount(doc: unknown): number {
  if (!isObject(doc)) return 0;
  if (Array.isArray(doc.memblock)) return doc.memblock.length;
  if (isObject(doc.input) && Array.isArray(doc.input.memblock)) return doc.input.memblock.length;
  return 0;
}

/**
 * Refuses a report whose subject has more memblock regions than the limit:
 * one line naming the input, its size, the limit and the budget, and what to
 * use instead (an InputError: exit 2, `bad-input` in the app).
 */
export function checkReportRegions(input: string, regions: number, instead: string): void {
  const limit = reportRegionLimit();
  if (regions <= limit) return;
  throw new InputError(
    `report: ${input}: ${count(regions)} memblock regions is more than the ${count(limit)} a report can lay out within its ${REPORT_MEMORY_BUDGET} memory budget; ${instead}, or set ${REPORT_REGIONS_ENV} on a machine with more memory`,
  );
}

/** The subject a report has already loaded (--compare): the limit is for both together. */
export interface Alongside {
  file: string;
  regions: number;
}

/**
 * The gate for an input document (a host, golden case, recorded host or
 * scenario, already parsed), before it is analysed. A scenario's `hostFile`
 * is read to count its regions.
 */
export function checkReportJson(file: string, json: unknown, alongside?: Alongside): void {
  let regions: number;
  let instead: string;
  if (isScenarioJson(json) && isObject(json)) {
    regions = memblockCount(json.host);
    const ref = json.hostFile;
    if (!('host' in json) && typeof ref === 'string' && ref !== '')
      regions = memblockCount(readJsonFile(resolve(dirname(file), ref), 'host'));
    instead = `play it with \`tdx-lab simulate ${file}\` instead`;
  } else {
    regions = memblockCount(json);
    instead = `plan it with \`tdx-lab plan ${file}\` (or plan --json) instead`;
  }
  if (alongside)
    checkReportRegions(
      `${alongside.file} and ${file}`,
      alongside.regions + regions,
      'compare them with `tdx-lab plan` instead',
    );
  else checkReportRegions(file, regions, instead);
}
