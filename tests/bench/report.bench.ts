/** Report speed: the map model, drawing, and each report format for a 100,000-region host. */
import { performance } from 'node:perf_hooks';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { buildMapModel, mapInputFromOutcome } from '../../renderer/map/index.js';
import { mapSvg } from '../../main/report/map-svg.js';
import { renderReport, REPORT_FORMATS } from '../../main/report/index.js';
import { subjectFor } from '../../main/report/subject.js';
import { findChromium } from '../../main/report/chromium.js';
import type { Report } from './run.js';

function ms(t: number): string {
  return `${t.toFixed(0)} ms`;
}

export async function run(report: Report): Promise<void> {
  const host = contiguousHost({ regions: 100_000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
  let t0 = performance.now();
  const outcome = analyzeHost(host, 'upstream');
  const subject = subjectFor('synthetic.json', outcome);
  report(`100,000 regions: analyzeHost (${outcome.runs.length} emulator runs)`, ms(performance.now() - t0));

  t0 = performance.now();
  const model = buildMapModel(mapInputFromOutcome(outcome));
  report(
    `buildMapModel (${model.tracks.reduce((n, t) => n + t.shapes.length, 0).toLocaleString('en')} shapes)`,
    ms(performance.now() - t0),
  );
  t0 = performance.now();
  const svg = mapSvg(model, { height: 420 });
  report(`drawMap under linkedom, full view (${(svg.length / 1024).toFixed(0)} KiB SVG)`, ms(performance.now() - t0));

  let chromium: string | undefined;
  try {
    chromium = findChromium();
  } catch {
    report('png/pdf', 'skipped: no Chromium');
  }
  for (const format of REPORT_FORMATS) {
    if ((format === 'png' || format === 'pdf') && !chromium) continue;
    t0 = performance.now();
    const bytes = await renderReport([subject], format, { chromium });
    report(`report .${format} (${(bytes.length / 1024).toFixed(0)} KiB)`, ms(performance.now() - t0));
  }
}
