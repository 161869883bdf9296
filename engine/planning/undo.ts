/**
 * A generic undo/redo history of immutable snapshots. The editor commits a
 * new snapshot per edit; undo and redo move between them. Pure: no DOM, no
 * timers, so the same history works in tests, workers and the renderer.
 */
export interface UndoHistory<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/** Oldest snapshots are dropped beyond this many undo steps (bounded memory on long sessions). */
export const DEFAULT_UNDO_LIMIT = 200;

export function startHistory<T>(present: T): UndoHistory<T> {
  return { past: [], present, future: [] };
}

/** Records a new present; a new edit after undo discards the redo branch. Equal snapshots are not recorded. */
export function commit<T>(
  h: UndoHistory<T>,
  next: T,
  equal: (a: T, b: T) => boolean = Object.is,
  limit = DEFAULT_UNDO_LIMIT,
): UndoHistory<T> {
  if (equal(h.present, next)) return h;
  const past = [...h.past, h.present];
  if (past.length > limit) past.splice(0, past.length - limit);
  return { past, present: next, future: [] };
}

export function canUndo<T>(h: UndoHistory<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: UndoHistory<T>): boolean {
  return h.future.length > 0;
}

export function undo<T>(h: UndoHistory<T>): UndoHistory<T> {
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo<T>(h: UndoHistory<T>): UndoHistory<T> {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
