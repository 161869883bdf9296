/**
 * TDX memory at one moment (ScenarioResult.tdxMemory) in words, as every face
 * says it: the PAMT allocated at init, the refcount array and the 4K PAMT
 * added for TDs under Dynamic PAMT, beside the static PAMT it replaces.
 */
import type { TdxMemoryPoint } from '../scenario/run.js';
import { humanSize } from '../format/hex.js';

export function tdxMemoryLine(p: TdxMemoryPoint): string {
  if (p.pamt === 'none') return 'TDX memory: none (the module is not initialized)';
  const tds = p.tds ? `, ${p.tds} TD${p.tds === 1 ? '' : 's'} with ${humanSize(p.tdMemoryBytes)}` : '';
  if (p.pamt === 'static') return `TDX memory: ${p.totalKb} KB static PAMT${tds}`;
  const most = p.dynamicMaxKb > p.dynamicKb ? ` (up to ${p.dynamicMaxKb} KB if their pages are scattered)` : '';
  return (
    `TDX memory: ${p.totalKb} KB = ${p.staticKb} KB PAMT + ${p.refcountKb} KB refcounts + ${p.dynamicKb} KB 4K PAMT for TDs${most}` +
    `${tds}; the static PAMT it replaces: ${p.staticEquivalentKb} KB`
  );
}

/** Whether the line is worth printing after an event: it changed, or TDs or init are involved. */
export function tdxMemoryChanged(prev: TdxMemoryPoint | undefined, p: TdxMemoryPoint, kind: string): boolean {
  if (kind.startsWith('td-') || kind === 'module-update') return true;
  return !prev || prev.pamt !== p.pamt || prev.totalKb !== p.totalKb;
}
