/**
 * Honest inset scales (issue 14/15): the report's zoomed inset of the
 * fragmented host's failed TDMR 0 is drawn by the one d3 map with the
 * app's ruler: linear inside the window (ticks evenly spaced in address
 * and in x), the needed areas numbered with "25 needed / 16 allowed".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml } from '../../main/report/html.js';
import { outcomeOfJson, subjectFor } from '../../main/report/subject.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

test("the fragmented host's TDMR 0 inset: a linear ruler, 25 numbered needed areas against 16", () => {
  const f = join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-fragmented-low-memory.json');
  const o = outcomeOfJson(f, JSON.parse(readFileSync(f, 'utf8')), { kernel: 'upstream', kernelGiven: true });
  const html = reportHtml([subjectFor(f, o)]).html;
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  const inset = svgs.find((s) => /data-addr="0x8000000"/.test(s) && /need-mark/.test(s));
  assert.ok(inset, 'an inset of low memory with the needed areas');
  assert.equal((inset.match(/class="need-mark[^"]*"/g) ?? []).length, 25);
  assert.equal((inset.match(/class="need-mark over-limit"/g) ?? []).length, 9);
  assert.match(inset, /25 needed \/ 16 allowed/);
  // Every number badge lies inside the plot, the first area's (at the plot's left edge) included.
  const clip = /<clipPath[^>]*><rect[^>]*width="([\d.]+)"[^>]*x="([\d.]+)"/.exec(inset);
  assert.ok(clip, 'the plot clip');
  const [x0, x1] = [Number(clip[2]), Number(clip[2]) + Number(clip[1])];
  const badges = [...inset.matchAll(/<rect[^>]*width="([\d.]+)"[^>]*x="([\d.]+)" class="need-badge"/g)];
  assert.ok(badges.length > 0, 'numbered badges');
  for (const b of badges)
    assert.ok(Number(b[2]) >= x0 && Number(b[2]) + Number(b[1]) <= x1, `badge at x=${b[2]} outside [${x0}, ${x1}]`);
  // Every tick: its address and its x. Inside the window the scale is linear: x grows with the address at one rate.
  const ticks = [
    ...inset.matchAll(/<g[^>]*data-addr="(0x[0-9a-f]+)"[^>]*class="tick[^"]*">\s*<line[^>]*x1="([\d.]+)"/g),
  ].map((m) => [Number(m[1]), Number(m[2])] as const);
  assert.ok(ticks.length >= 5, `ticks: ${ticks.length}`);
  const rate = (ticks[1][1] - ticks[0][1]) / (ticks[1][0] - ticks[0][0]);
  for (let i = 2; i < ticks.length; i++) {
    const r = (ticks[i][1] - ticks[i - 1][1]) / (ticks[i][0] - ticks[i - 1][0]);
    assert.ok(Math.abs(r - rate) / rate < 0.01, `tick ${ticks[i][0].toString(16)}: ${r} px/B against ${rate}`);
  }
  // No collapsed gap inside it: the first 1 MiB hole gets its linear share, not most of the width.
  assert.doesNotMatch(inset, /hole-break/);
});
