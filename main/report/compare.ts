/**
 * What a comparison report shows besides the two reports: the engine's
 * differences (engine/planning/compare.ts: hosts and outcomes) and why B
 * differs (engine/planning/compare-why.ts), and the two map models put on
 * one scale.
 */
import { diffHosts, diffOutcomes, type DiffRow } from '../../engine/planning/compare.js';
import { compareWhy, type CompareWhy } from '../../engine/planning/compare-why.js';
import { TRACK_LABELS, type MapModel, type TrackId } from '../../renderer/map/index.js';
import { shapesFor } from '../../renderer/src/views/highlight.js';
import { mergeRanges, occupiedRanges } from '../../renderer/map/layers.js';
import { collapsibleGaps } from '../../renderer/map/scale.js';
import { mapInputFromOutcome } from '../../renderer/map/from-outcome.js';
import { sizeText } from '../../engine/outcome/text.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { subjectModel } from './map-svg.js';
import type { ReportSubject } from './subject.js';

/** Host differences listed in a report at most (a 100,000-region host may differ everywhere). */
export const MAX_DIFF_ROWS = 40;

export interface Comparison {
  /** Outcome differences first, then the hosts'. */
  rows: DiffRow[];
  why: CompareWhy;
}

export function comparisonOf(a: ReportSubject, b: ReportSubject): Comparison {
  return {
    rows: [...diffOutcomes(a.outcome, b.outcome), ...diffHosts(a.outcome.host, b.outcome.host)],
    why: compareWhy(a.outcome, b.outcome),
  };
}

/** Finding ids in order, a repeated id once with its count (one other-kernel finding per other kernel). */
function findingIds(o: Outcome): string {
  const counts = new Map<string, number>();
  for (const f of o.findings) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
  return [...counts].map(([id, n]) => (n > 1 ? `${id} ×${n}` : id)).join(', ');
}

/** The summary grid's rows: what each side shows, one string per side. */
export function summaryRows(): Array<[string, (o: Outcome) => string]> {
  return [
    ['host', (o) => o.host.name],
    ['kernel', (o) => o.subject.kernel],
    ['verdict', (o) => o.verdict.headline],
    ['memblock regions', (o) => String(o.host.memblock.length)],
    ['TDX memory', (o) => sizeText(o.pamt.tdxBytes)],
    ['TDMRs', (o) => `${o.plan?.tdmrs.length ?? 0} of ${o.host.module.max_tdmrs}`],
    ['PAMT', (o) => `${sizeText(o.pamt.bytes)}, ${o.pamt.percent.toFixed(3)}%`],
    ['findings', (o) => findingIds(o) || 'none'],
    ['devices', (o) => (o.host.devices ?? []).map((d) => d.name).join(', ') || 'none'],
  ];
}

/**
 * Both subjects' models on one scale: the same top, the same occupied
 * ranges (so holes are compressed alike and an address sits at the same x
 * on both maps), and the same tracks in the same order (an empty one where
 * a side has none), so the rows line up too.
 */
export function comparedModels(a: ReportSubject, b: ReportSubject): [MapModel, MapModel] {
  const ma = subjectModel(a);
  const mb = subjectModel(b);
  const top = Math.max(ma.top, mb.top);
  // The holes neither side fills, collapsed alike on both (renderer/map/scale.ts).
  const occupied = mergeRanges([
    ...occupiedRanges(mapInputFromOutcome(a.outcome)),
    ...occupiedRanges(mapInputFromOutcome(b.outcome)),
  ]);
  const gaps = collapsibleGaps(occupied, top);
  const ids = (Object.keys(TRACK_LABELS) as TrackId[]).filter((id) =>
    [ma, mb].some((m) => m.tracks.some((t) => t.id === id)),
  );
  return [ma, mb].map((m) => ({
    ...m,
    top,
    gaps,
    tracks: ids.map((id) => m.tracks.find((t) => t.id === id) ?? { id, label: TRACK_LABELS[id], shapes: [] }),
  })) as [MapModel, MapModel];
}

/** Shapes to highlight on each map: what was removed or changed on A, what was added or changed on B. */
export function differenceShapes(c: Comparison, ma: MapModel, mb: MapModel): [string[], string[]] {
  const TRACK: Partial<Record<DiffRow['section'], TrackId>> = { memblock: 'memblock', device: 'device', cmr: 'cmr' };
  const ranged = c.rows
    .filter((r) => r.start !== undefined && r.end !== undefined && TRACK[r.section])
    .slice(0, 200)
    .map((r) => ({ kind: r.kind, start: r.start!, end: r.end!, track: TRACK[r.section] }));
  return [
    shapesFor(
      ma,
      ranged.filter((r) => r.kind !== 'added'),
    ),
    shapesFor(
      mb,
      ranged.filter((r) => r.kind !== 'removed'),
    ),
  ];
}
