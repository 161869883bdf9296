/** The editor's undo/redo history: commit, undo, redo, branch discard, limit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canRedo, canUndo, commit, redo, startHistory, undo } from '../../engine/planning/undo.js';

test('undo and redo walk the committed snapshots', () => {
  let h = startHistory('a');
  h = commit(h, 'b');
  h = commit(h, 'c');
  assert.equal(h.present, 'c');
  h = undo(h);
  assert.equal(h.present, 'b');
  assert.ok(canRedo(h));
  h = undo(h);
  assert.equal(h.present, 'a');
  assert.equal(canUndo(h), false);
  assert.equal(undo(h), h, 'undo at the start is a no-op');
  h = redo(redo(h));
  assert.equal(h.present, 'c');
  assert.equal(canRedo(h), false);
});

test('an edit after undo discards the redo branch; equal snapshots are not recorded', () => {
  let h = commit(commit(startHistory(1), 2), 3);
  h = undo(h);
  h = commit(h, 4);
  assert.deepEqual([...h.past, h.present], [1, 2, 4]);
  assert.equal(canRedo(h), false);
  assert.equal(commit(h, 4), h);
  const json = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
  const o = startHistory({ x: 1 });
  assert.equal(commit(o, { x: 1 }, json), o);
});

test('the history keeps at most `limit` undo steps', () => {
  let h = startHistory(0);
  for (let i = 1; i <= 10; i++) h = commit(h, i, Object.is, 3);
  assert.deepEqual(h.past, [7, 8, 9]);
});
