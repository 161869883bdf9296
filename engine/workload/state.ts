/**
 * The TDs running at a moment of a scenario, and what they hold: memory,
 * KeyIDs, and (under Dynamic PAMT) 4K PAMT page pairs (cost.ts).
 */
import { tdCost } from './cost.js';
import type { TdGroup } from './types.js';

export interface WorkloadTotals {
  tds: number;
  /** Private memory mapped in running TDs, bytes. */
  memoryBytes: number;
  /** 2 MiB ranges holding a PAMT page pair (packed). */
  ranges: number;
  /** Dynamic 4K PAMT: packed and scattered (cost.ts), bytes. */
  dynamicBytes: number;
  scatteredBytes: number;
}

export class TdWorkload {
  /** Per group, the mapped memory of each running TD. */
  private readonly live = new Map<string, number[]>();
  private readonly byName: Map<string, TdGroup>;

  constructor(readonly groups: readonly TdGroup[]) {
    this.byName = new Map(groups.map((g) => [g.name, g]));
  }

  group(name: string): TdGroup {
    const g = this.byName.get(name);
    if (!g) throw new Error(`no TD group ${name}`);
    return g;
  }

  running(name?: string): number {
    if (name !== undefined) return this.live.get(name)?.length ?? 0;
    let n = 0;
    for (const l of this.live.values()) n += l.length;
    return n;
  }

  /** Totals of the TDs as they would be after `change` (without applying it). */
  totalsWith(change?: { group: string; tds: number[] }): WorkloadTotals {
    const t: WorkloadTotals = { tds: 0, memoryBytes: 0, ranges: 0, dynamicBytes: 0, scatteredBytes: 0 };
    for (const g of this.groups) {
      const list = change?.group === g.name ? change.tds : (this.live.get(g.name) ?? []);
      for (const assigned of list) {
        const c = tdCost(g, assigned);
        t.tds++;
        t.memoryBytes += assigned;
        t.ranges += c.ranges;
        t.dynamicBytes += c.dynamicBytes;
        t.scatteredBytes += c.scatteredBytes;
      }
    }
    return t;
  }

  totals(): WorkloadTotals {
    return this.totalsWith();
  }

  /** The group's TD list after creating `count` TDs with `assigned` bytes mapped each. */
  afterCreate(name: string, count: number, assigned: number): number[] {
    return [...(this.live.get(name) ?? []), ...new Array<number>(count).fill(assigned)];
  }

  /** ... after destroying `count` (default all) of its running TDs, the newest first. */
  afterDestroy(name: string, count?: number): number[] {
    const l = this.live.get(name) ?? [];
    return l.slice(0, Math.max(0, l.length - (count ?? l.length)));
  }

  /** ... after every running TD of the group has `assigned` bytes mapped. */
  afterAssign(name: string, assigned: number): number[] {
    return (this.live.get(name) ?? []).map(() => assigned);
  }

  apply(name: string, tds: number[]): void {
    if (tds.length) this.live.set(name, tds);
    else this.live.delete(name);
  }
}
