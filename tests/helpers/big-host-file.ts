/**
 * Writes a host file of millions of memblock regions piece by piece, as
 * canonical host JSON (what `hostToJson` would write for the same host), in
 * seconds and bounded memory: for the report limit's test and benchmark.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';

export interface BigHostOptions {
  regions: number;
  /** Bytes per region (default 64 MiB, as engine/host/synthetic.ts contiguousHost). */
  regionSize?: number;
  /** First address (default 4 GiB). */
  start?: number;
  /** NUMA nodes, in equal consecutive shares (default 8). */
  nodes?: number;
}

/** Back-to-back regions, one CMR over all of them; returns the file's size in bytes. */
export function writeBigHostFile(file: string, o: BigHostOptions): number {
  const size = o.regionSize ?? 2 ** 26;
  const start = o.start ?? 2 ** 32;
  const nodes = o.nodes ?? 8;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `{"name":"big-${o.regions}","memblock":[`);
    for (let i = 0; i < o.regions; i += 10_000) {
      const part: string[] = [];
      for (let j = i; j < Math.min(o.regions, i + 10_000); j++) {
        const s = start + j * size;
        part.push(
          `{"start":"0x${s.toString(16)}","end":"0x${(s + size).toString(16)}","nid":${Math.floor((j * nodes) / o.regions)}}`,
        );
      }
      writeSync(fd, (i ? ',' : '') + part.join(','));
    }
    writeSync(
      fd,
      `],"reserved":[],"module":{"max_tdmrs":65536,"max_reserved_per_tdmr":8192,"pamt_entry_size":{"4k":16,"2m":16,"1g":16}},` +
        `"cmrs":[{"base":"0x${start.toString(16)}","size":"0x${(o.regions * size).toString(16)}"}]}`,
    );
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}
