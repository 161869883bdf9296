/** Map shape ids to highlight: a finding's evidence, or address ranges (compare's differences). */
import type { Outcome } from '../../../engine/outcome/types.js';
import type { MapModel, TrackId } from '../../../renderer/map/index.js';

const RANGE_TRACKS: readonly TrackId[] = ['memblock', 'device', 'cmr', 'mem-block'];

/** A range to highlight; with `track`, only on that track (compare: a CMR difference marks CMR shapes only). */
export interface HighlightRange {
  start: number;
  end: number;
  track?: TrackId;
}

/** Shapes on the memory tracks overlapping any of the ranges, plus the named TDMR. */
export function shapesFor(model: MapModel, ranges: readonly HighlightRange[], tdmr: number | null = null): string[] {
  const ids: string[] = [];
  for (const t of model.tracks) {
    if (t.id === 'tdmr' && tdmr !== null) {
      const s = t.shapes.find((x) => x.id === `tdmr-${tdmr}`);
      if (s) ids.push(s.id);
    }
    if (!RANGE_TRACKS.includes(t.id)) continue;
    for (const s of t.shapes)
      if (ranges.some((r) => (!r.track || r.track === t.id) && s.start < r.end && r.start < s.end)) ids.push(s.id);
  }
  return ids;
}

/** The shapes the Outcome's first error (or warning) finding points at: its evidence refs and ranges. */
export function evidenceShapes(model: MapModel, o: Outcome): string[] {
  const f = o.findings.find((x) => x.severity === 'error') ?? o.findings.find((x) => x.severity === 'warning');
  if (!f) return [];
  const known = new Set(model.tracks.flatMap((t) => t.shapes.map((s) => s.id)));
  const ids = f.evidence.map((e) => e.ref).filter((r): r is string => !!r && known.has(r));
  const ranges = f.evidence.flatMap((e) => (e.kind === 'range' ? [{ start: e.start, end: e.end }] : []));
  return [...new Set([...ids, ...shapesFor(model, ranges)])];
}
