/**
 * renderReport for the app: the report of what is open, laid out in the
 * engine pool (main/report, as `tdx-lab report` writes it), so the app's
 * saved file has the same bytes as the CLI's. A stored run reports the
 * Outcome it was recorded with. PNG and PDF then go to headless Chromium.
 */
import { basename, extname } from 'node:path';
import type { z } from 'zod';
import type { Outcome } from '../../engine/outcome/types.js';
import { ApiError } from '../common/api-contract.js';
import type { REPORT_ARGS, ReportFile, ReportFileFormat } from '../common/report-contract.js';
import { InputError } from '../node/input-file.js';
import { findChromium, renderPdf, renderPng } from '../report/chromium.js';
import { outcomeOfRun } from '../report/stored-run.js';
import type { ReportSource, ReportText } from '../workers/outcome-tasks.js';
import { engineTask } from './lab-api.js';
import type { Services } from './services.js';
import { guard, runNumber } from './session-store.js';

const MIME: Record<ReportFileFormat, string> = {
  html: 'text/html;charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  pdf: 'application/pdf',
  md: 'text/markdown;charset=utf-8',
  json: 'application/json',
};

export type RenderReportArgs = z.output<(typeof REPORT_ARGS)['renderReport']>;

/** A file-name stem from the source name: letters, digits, dot, dash, underscore. */
function stem(source: string): string {
  const s = basename(source, extname(source))
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return s || 'host';
}

async function sourceOf(services: Services, a: RenderReportArgs): Promise<ReportSource> {
  if (a.runId !== undefined) {
    if (a.text !== undefined)
      throw new ApiError('bad-arguments', 'renderReport: give either $.text or $.runId, not both');
    const id = runNumber(a.runId, 'renderReport');
    const store = await services.store();
    return guard(async () => {
      const run = await store.getRun(id);
      if (!run) throw new ApiError('not-found', `no run ${a.runId} in ${store.path}`);
      const session = (await store.getSession(run.sessionId))?.name ?? String(run.sessionId);
      const host = run.hostId === null ? null : await store.getHost(run.hostId);
      const { outcome, reanalyzed }: { outcome: Outcome; reanalyzed: boolean } = outcomeOfRun(run, host);
      return {
        kind: 'outcome',
        outcome,
        source: a.source ?? `${outcome.subject.name}.json`,
        provenance: {
          recorded: {
            session,
            run: run.id,
            at: run.createdAt,
            engine: reanalyzed
              ? `${run.engineVersion} (re-analysed now: the run predates stored outcomes)`
              : run.engineVersion,
          },
        },
      };
    });
  }
  if (a.text === undefined || a.variant === undefined)
    throw new ApiError('bad-arguments', 'renderReport: give $.text with $.variant, or $.runId');
  return { kind: 'text', text: a.text, source: a.source ?? 'host.json', kernel: a.variant };
}

export async function renderReportFile(services: Services, a: RenderReportArgs): Promise<ReportFile> {
  const source = await sourceOf(services, a);
  const layout = a.format === 'png' || a.format === 'pdf' ? 'html' : a.format;
  // Find Chromium before the (possibly long) layout work, so a missing browser fails fast.
  let chromium: string | undefined;
  if (layout !== a.format) {
    try {
      chromium = findChromium(services.chromium);
    } catch (e) {
      if (e instanceof InputError) throw new ApiError('unavailable', e.message);
      throw e;
    }
  }
  const { text, title } = await engineTask<ReportText>(services, {
    kind: 'report-text',
    sources: [source],
    format: layout,
    sections: a.options,
  });
  const fileName = `${stem(source.source)}-report.${a.format}`;
  if (a.format === 'png')
    return { mime: MIME.png, fileName, base64: (await renderPng(chromium!, text)).toString('base64') };
  if (a.format === 'pdf')
    return { mime: MIME.pdf, fileName, base64: (await renderPdf(chromium!, text, { title })).toString('base64') };
  return { mime: MIME[a.format], fileName, text };
}
