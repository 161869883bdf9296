/**
 * Reading the links between log rows and shapes (computed by links.ts on
 * the Node side): which rows are about a shape. A lookup only, so a face
 * can use it without carrying the emulator.
 */

import { ref } from './refs.js';

export interface ShapeLinks {
  /** For each line of Outcome.log, the ids of the shapes it is about. */
  log: string[][];
  /** For each record of Outcome.seamcalls, the ids of the shapes it acts on. */
  seamcalls: string[][];
}

/** The TDMR a shape belongs to: itself, or the TDMR of a reserved area, a needed area or a PAMT. */
function tdmrOf(id: string): string | null {
  const m = /^(?:tdmr|rsvd|need|pamt)-(\d+)/.exec(id);
  return m ? ref.tdmr(Number(m[1])) : null;
}

/**
 * The log rows and SEAMCALLs about a shape: those naming it, and for a
 * reserved area, a needed area or a PAMT, those naming its TDMR.
 */
export function rowsOfShape(links: ShapeLinks, id: string): { log: number[]; seamcalls: number[] } {
  const own = tdmrOf(id);
  const hit = (ids: string[]) => ids.includes(id) || (own !== null && ids.includes(own));
  const log: number[] = [];
  const seamcalls: number[] = [];
  links.log.forEach((ids, i) => {
    if (hit(ids)) log.push(i);
  });
  links.seamcalls.forEach((ids, i) => {
    if (hit(ids)) seamcalls.push(i);
  });
  return { log, seamcalls };
}
