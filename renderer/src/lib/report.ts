/** "Export report…": the open host and everything the lab computed for it, as one JSON file. */
import type { PlanHostResult } from '../../../main/common/api-contract.js';
import { hostToJson } from '../../../engine/format/host-json.js';
import { planToResultJson } from '../../../engine/format/result-json.js';

export function reportJson(r: PlanHostResult): string {
  return JSON.stringify(
    {
      tool: 'tdx-platform-lab',
      engineVersion: r.engineVersion,
      variant: r.variant,
      host: hostToJson(r.host),
      result: planToResultJson(r.plan),
      summary: r.summary,
      init: r.init,
      memoryBlocks: r.memoryBlocks,
    },
    null,
    1,
  );
}

/** Saves text through the browser's download (Electron shows its save dialog). */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
