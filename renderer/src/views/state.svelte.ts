/** One state object per planning view, kept for the page's life so switching views loses nothing. */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import { EditorState } from './editor.svelte.js';
import { SweepState } from './sweep.svelte.js';
import { TimelineState } from './timeline.svelte.js';
import { CompareState } from './compare.svelte.js';

let editor: EditorState | null = null;

export function editorState(api: TdxLabApi): EditorState {
  return (editor ??= new EditorState(api));
}

let sweep: SweepState | null = null;

export function sweepState(api: TdxLabApi): SweepState {
  return (sweep ??= new SweepState(api));
}

let timeline: TimelineState | null = null;

export function timelineState(api: TdxLabApi): TimelineState {
  return (timeline ??= new TimelineState(api));
}

let compare: CompareState | null = null;

export function compareState(api: TdxLabApi): CompareState {
  return (compare ??= new CompareState(api, editorState(api)));
}
