/**
 * Stable names of the things an Outcome talks about, shared with the map
 * (renderer/map/model.ts builds its shape ids with these), so a finding's
 * evidence, a log row or an omnibox query selects the same shape everywhere.
 */
export const ref = {
  tdmr: (i: number) => `tdmr-${i}`,
  reserved: (tdmr: number, j: number) => `rsvd-${tdmr}-${j}`,
  needed: (tdmr: number, j: number) => `need-${tdmr}-${j}`,
  pamt: (tdmr: number, pageSize: '4k' | '2m' | '1g') => `pamt-${tdmr}-${pageSize}`,
  memblock: (i: number) => `memblock-${i}`,
  tdxMemory: (i: number) => `tdxmem-${i}`,
  cmr: (i: number) => `cmr-${i}`,
  node: (nid: number, part = 0) => (part === 0 ? `node-${nid}` : `node-${nid}-${part}`),
  device: (name: string) => `dev-${safeId(name)}`,
  /** A run of memory blocks, named by its first block (memoryN as sysfs names it). */
  memoryBlocks: (firstBlock: number) => `mem-${firstBlock}`,
};

/** Keeps ids safe inside attributes and selectors whatever a device is called. */
export function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}
