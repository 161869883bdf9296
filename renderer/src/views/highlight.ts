/** Map shape ids to highlight for address ranges (the verdict's culprits, compare's differences). */
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
