/** Bad arguments for the Sessions tab's and the host editor's methods (session-contract.ts, editor-contract.ts). */
import type { EDITOR_ARGS } from '../../main/common/editor-contract.js';
import type { SESSION_ARGS } from '../../main/common/session-contract.js';

export const VIEWS_BAD_ARGS: Record<keyof typeof SESSION_ARGS | keyof typeof EDITOR_ARGS, Array<[unknown, RegExp]>> = {
  renameSession: [
    [{ id: 's' }, /renameSession: argument \$\.newName: missing/],
    [{ id: '', newName: 'x' }, /renameSession: argument \$\.id: must not be empty/],
  ],
  deleteSession: [[{}, /deleteSession: argument \$\.id: missing/]],
  undoDeleteSession: [[{ token: '' }, /undoDeleteSession: argument \$\.token: must not be empty/]],
  listNotes: [[{ id: '1' }, /listNotes: argument \$\.sessionId: missing/]],
  addNote: [
    [{ sessionId: '1' }, /addNote: argument \$\.text: missing/],
    [{ sessionId: '1', text: 'x', runId: 3 }, /addNote: argument \$\.runId: /],
    [{ sessionId: '1', text: 'x'.repeat(20_001) }, /addNote: argument \$\.text: is longer than 20,000 characters/],
  ],
  diffRuns: [[{ a: '1' }, /diffRuns: argument \$\.b: missing/]],
  diffSessions: [[{ a: 1, b: '2' }, /diffSessions: argument \$\.a: /]],
  pasteIomem: [
    [{ text: '' }, /pasteIomem: argument \$\.text: must not be empty/],
    [{ lines: [] }, /pasteIomem: argument \$\.text: missing/],
    [{ text: 'x', lines: [] }, /pasteIomem: argument .*lines/],
  ],
};
