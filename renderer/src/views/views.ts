/** The app's top-level views; 'map' is the app shell's own map view, the rest live in this folder. */
export type ViewId = 'map' | 'editor' | 'sweeps' | 'timeline' | 'compare';

/** Shift+1…5 switch views (outside text fields); F-keys and Ctrl/Alt+digits belong to the browser. */
export const VIEWS: { id: ViewId; label: string; key: string }[] = [
  { id: 'map', label: 'Map', key: 'Shift+1' },
  { id: 'editor', label: 'Host editor', key: 'Shift+2' },
  { id: 'sweeps', label: 'Sweeps', key: 'Shift+3' },
  { id: 'timeline', label: 'Hotplug timeline', key: 'Shift+4' },
  { id: 'compare', label: 'Compare', key: 'Shift+5' },
];
