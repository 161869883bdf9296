/**
 * The app's engine work, run in the engine pool's worker threads (or
 * in-process for the transports' tests): parse and validate the input text,
 * analyse it (engine/outcome), import artifacts, lay out report text. Bad
 * input comes back as a message, never as a thrown error across threads.
 */
import { createHash } from 'node:crypto';
import type { KernelVariant } from '../../engine/host/types.js';
import { recordedHostDoc } from '../../engine/import/recorded.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { parseArtifactText } from '../../engine/import/artifact.js';
import { buildHost } from '../../engine/import/build-host.js';
import { ArtifactError } from '../../engine/import/facts.js';
import { mixedHosts } from '../../engine/import/same-host.js';
import { iomemRows, type IomemRows } from '../../engine/import/iomem-paste.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { hostFromJson } from '../node/host-file.js';
import { InputError, parseJsonText } from '../node/input-file.js';
import { checkReportJson } from '../report/limits.js';
import { outcomeOfJson, subjectFor, type ReportProvenance, type ReportSubject } from '../report/subject.js';

/** What a report is made from: input text to analyse, or an Outcome already made (a stored run). */
export type ReportSource =
  | { kind: 'text'; text: string; source: string; kernel: KernelVariant }
  | { kind: 'outcome'; outcome: Outcome; source: string; provenance?: Partial<ReportProvenance> };

export type TextReportFormat = 'html' | 'svg' | 'md' | 'json';

export type OutcomeTask =
  /** A host, golden case, scenario or recorded host, as text. */
  | { kind: 'analyze-text'; text: string; source: string; kernel: KernelVariant; kernelGiven?: boolean }
  /** A host as text, analysed and also returned in canonical form (the editor's save). */
  | { kind: 'analyze-host'; text: string; source: string; kernel: KernelVariant }
  | { kind: 'import-artifacts'; files: { name: string; text: string }[]; name?: string }
  /** /proc/iomem lines pasted into the host editor's raw table. */
  | { kind: 'iomem-paste'; text: string }
  | { kind: 'report-text'; sources: ReportSource[]; format: TextReportFormat; sections?: Record<string, boolean> };

export interface ImportedHostValue {
  hostJson: string;
  hostName: string;
  assumptions: string[];
  layoutMissing?: string;
}

export type OutcomeTaskReply =
  { ok: true; value: Outcome | ImportedHostValue | ReportText | IomemRows } | { ok: false; badInput: string };

function subjectOf(s: ReportSource): ReportSubject {
  if (s.kind === 'outcome') return subjectFor(s.source, s.outcome, s.provenance);
  const json = parseJsonText(s.source, s.text);
  checkReportJson(s.source, json); // the CLI's refusal, word for word (main/report/limits.ts)
  const outcome = outcomeOfJson(s.source, json, { kernel: s.kernel, kernelGiven: true });
  return subjectFor(s.source, outcome, { sha256: createHash('sha256').update(s.text, 'utf8').digest('hex') });
}

/** A report laid out as text; `title` is the document's (a PDF made from the HTML carries it). */
export interface ReportText {
  text: string;
  title: string;
}

async function reportText(t: Extract<OutcomeTask, { kind: 'report-text' }>): Promise<ReportText> {
  // The report code (d3, linkedom) loads on first use, in the worker.
  const [{ renderReport }, { reportHtml }] = await Promise.all([
    import('../report/index.js'),
    import('../report/html.js'),
  ]);
  const subjects = t.sources.map(subjectOf);
  if (t.format === 'html') {
    const doc = reportHtml(subjects, { sections: t.sections });
    return { text: doc.html, title: doc.title };
  }
  const bytes = await renderReport(subjects, t.format, { sections: t.sections });
  return { text: bytes.toString('utf8'), title: '' };
}

/** Artifacts to a recorded host document (layout and observed boots), as `tdx-lab import` writes it; no layout is no dead end. */
function importArtifacts(t: Extract<OutcomeTask, { kind: 'import-artifacts' }>): ImportedHostValue {
  const list = t.files.map((f) => ({ source: f.name, facts: parseArtifactText(f.name, f.text) }));
  const mixed = mixedHosts(list);
  if (mixed) throw new InputError(mixed);
  const named = list.some((l) => l.facts.hostnames.length);
  const stem = t.files[0].name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || undefined;
  const r = buildHost(
    list,
    t.name ?? (named ? undefined : stem),
    t.name ? 'given' : named ? undefined : 'the artifacts name no host: named after the first file',
  );
  // Neither a layout nor a printed boot: nothing to show, so it is refused as before.
  if (!r.host && !r.observed.length)
    throw new InputError(
      `cannot build a host from ${t.files.map((f) => f.name).join(', ')}: ${r.noHostReason ?? 'no memory layout found'}, and no boot printed TDX lines`,
    );
  const doc = recordedHostDoc(r, {
    tool: `tdx-lab ${ENGINE_VERSION}`,
    how: 'import',
    hostname: r.hostname,
    kernel: r.kernel,
    cpu_model: r.cpuModel,
    sources_read: list.map((l) => ({ source: l.source, kinds: l.facts.kinds })),
    sources_failed: [],
  });
  const reported = Object.assign({}, ...list.map((l) => l.facts.reported ?? {}));
  if (Object.keys(reported).length) doc.reported = reported;
  const out: ImportedHostValue = {
    hostJson: JSON.stringify(doc, null, 1),
    hostName: doc.name,
    assumptions: r.assumptions,
  };
  if (!r.host) out.layoutMissing = r.noHostReason ?? 'no memory layout found';
  return out;
}

export async function outcomeTask(task: OutcomeTask): Promise<OutcomeTaskReply> {
  try {
    switch (task.kind) {
      case 'analyze-text':
        return {
          ok: true,
          value: outcomeOfJson(task.source, parseJsonText(task.source, task.text), {
            kernel: task.kernel,
            kernelGiven: task.kernelGiven !== false,
          }),
        };
      case 'analyze-host':
        return {
          ok: true,
          value: analyzeHost(hostFromJson(task.source, parseJsonText(task.source, task.text)), task.kernel),
        };
      case 'import-artifacts':
        return { ok: true, value: importArtifacts(task) };
      case 'report-text':
        return { ok: true, value: await reportText(task) };
      case 'iomem-paste': {
        const r = iomemRows(task.text);
        return r.ok ? { ok: true, value: r.value } : { ok: false, badInput: r.problem };
      }
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof ArtifactError) return { ok: false, badInput: e.message };
    throw e;
  }
}
