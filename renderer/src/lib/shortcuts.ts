/**
 * Every keyboard shortcut of the map view, as the `?` sheet lists them.
 * App.svelte and the map (renderer/map/draw.ts) answer to exactly these.
 */
export const SHORTCUTS: ReadonlyArray<{ title: string; keys: ReadonlyArray<[string, string]> }> = [
  {
    title: 'Anywhere',
    keys: [
      ['Ctrl+K  or  /', 'go to: the omnibox (address, range, TDMR 3, memblock 12, node 1, cxl0, memory5068, status)'],
      ['?', 'this sheet'],
      ['Ctrl+O', 'open a host file'],
      ['Ctrl+E', 'export a report'],
      ['1 – 5', 'Findings, TDMRs, PAMT per node, Log & SEAMCALLs, Sessions'],
      ['H', 'compress holes on or off'],
      ['K', 'next kernel variant'],
      ['0', 'zoom the map out to the whole address space'],
      ['Esc', 'stop a host opening; else clear the selection (or close a dialog)'],
      ['Tab  Shift+Tab', 'move between the omnibox, the map, the details panel and the tabs'],
    ],
  },
  {
    title: 'On the map (focused)',
    keys: [
      ['+  −', 'zoom in and out (around the focused shape)'],
      ['←  →', 'pan the map; on a shape, the previous or next shape of its track'],
      ['↑  ↓', 'on a shape, the shape above or below it on the next track'],
      ['Home  End', 'on a shape, the first or last shape of its track'],
      ['Enter  Space', 'select the focused shape: its details and its log rows'],
    ],
  },
  {
    title: 'In a tab',
    keys: [
      ['←  →', 'the previous or next tab (on the tab row)'],
      ['Tab', 'into a table: the TDMR table is one stop; log lines and SEAMCALLs in turn'],
      ['↑  ↓  PgUp  PgDn  Home  End', 'in the TDMR table, the row above or below, a page, the first or last'],
      ['Enter', "select the row's shape on the map"],
    ],
  },
];
