/**
 * The Outcome as a JSON document (`tdx-lab report X --out r.json`): the
 * verdict, the failure with the failed TDMR's base and the status, the
 * findings with their ids, evidence and fixes, PAMT figures, TDMR rows and
 * memory-block states. Addresses as lowercase hex (the golden format);
 * every evidence item and fix also carries its text, so readers never re-word.
 */
import { hex } from '../format/hex.js';
import { blockCounts, pamtFigureKb, tdmrRows } from './rows.js';
import { checkVerdictText, evidenceItemText, evidenceText, factText, fixText, trialText } from './text.js';
import type { Evidence, Fix, Outcome, RecordedEvidence } from './types.js';

export const OUTCOME_DOCUMENT_SCHEMA = 'tdx-lab/outcome@1';

function evidenceJson(e: Evidence): Record<string, unknown> {
  const base: Record<string, unknown> = { kind: e.kind, text: evidenceText(e) };
  if (e.ref) base.ref = e.ref;
  switch (e.kind) {
    case 'range':
      return { ...base, label: e.label, start: hex(e.start), end: hex(e.end), size: hex(e.end - e.start) };
    case 'seamcall':
      return {
        ...base,
        index: e.index,
        name: e.name,
        status: e.status,
        status_name: e.statusName,
        ...(e.detail && { detail: e.detail }),
      };
    case 'log':
      return { ...base, index: e.index, line: e.line };
    case 'fact':
      return { ...base, label: e.label, value: e.value };
  }
}

function fixJson(f: Fix): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: f.kind, name: f.name, how: f.how, text: fixText(f) };
  if (f.trial)
    out.trial = {
      change: f.trial.change,
      kernel: f.trial.kernel,
      ok: f.trial.ok,
      headline: f.trial.headline,
      status_name: f.trial.statusName,
      stage: f.trial.stage,
      pamt_kb: f.trial.pamtKb,
      refused_blocks: f.trial.refusedBlocks,
      printed: f.trial.printed,
      text: trialText(f.trial),
    };
  if (f.notTried) out.not_tried = f.notTried;
  return out;
}

export function outcomeDocument(o: Outcome, provenance: Record<string, unknown> = {}): Record<string, unknown> {
  const v = o.verdict;
  const f = v.failedTdmr;
  const bc = blockCounts(o);
  return {
    schema: OUTCOME_DOCUMENT_SCHEMA,
    engine: o.engineVersion,
    subject: o.subject,
    verdict: {
      ok: v.ok,
      level: v.level,
      headline: v.headline,
      stage: v.stage,
      stage_text: v.stageText,
      errno: v.errno,
      errno_value: v.errnoValue,
      seamcall: v.seamcall,
      status: v.status,
      status_name: v.statusName,
      status_detail: v.statusDetail,
      kernel_messages: v.kernelMessages,
      no_init: v.noInit,
      basis: v.basis ?? 'emulated',
    },
    failure: v.ok
      ? null
      : {
          stage: v.stage,
          status: v.status,
          status_name: v.statusName,
          tdmr: f
            ? {
                index: f.index,
                base: hex(f.base),
                end: hex(f.end),
                size: hex(f.end - f.base),
                by: f.by,
                reason: f.reason,
                ...(f.pamt && {
                  pamt: {
                    base: hex(f.pamt.base),
                    end: hex(f.pamt.end),
                    wanted_nid: f.pamt.wantedNid,
                    placed_nid: f.pamt.placedNid,
                  },
                }),
              }
            : null,
        },
    pamt: {
      figure_kb: pamtFigureKb(o),
      printed_kb: o.pamt.printedKb,
      kb: o.pamt.kb,
      bytes: hex(o.pamt.bytes),
      percent: Number(o.pamt.percent.toFixed(4)),
      kept: o.pamt.kept,
      tdx_bytes: hex(o.pamt.tdxBytes),
      nodes: o.pamt.nodes.map((n) => ({
        nid: n.nid,
        tdx_bytes: hex(n.tdxBytes),
        pamt_bytes: hex(n.pamtBytes),
        percent: Number(n.pamtPercent.toFixed(4)),
      })),
    },
    tdmrs: tdmrRows(o).map((r) => ({
      index: r.index,
      base: hex(r.base),
      end: hex(r.end),
      ...(r.failed && { failed: r.failed }),
      ...(r.pamt && {
        pamt: {
          base: hex(r.pamt.base),
          size_4k: hex(r.pamt.size4k),
          size_2m: hex(r.pamt.size2m),
          size_1g: hex(r.pamt.size1g),
          wanted_nid: r.pamt.wantedNid,
          placed_nid: r.pamt.placedNid,
        },
      }),
      ...(r.reserved && { reserved_used: r.reserved.length }),
      reserved_limit: r.reservedLimit,
    })),
    reserved_need: o.reservedNeed
      ? {
          tdmr: o.reservedNeed.tdmr,
          limit: o.reservedNeed.limit,
          needed: o.reservedNeed.areas.length,
          areas: o.reservedNeed.areas.map((a, j) => ({
            start: hex(o.reservedNeed!.base + a.offset),
            size: hex(a.size),
            kind: a.kind,
            over_limit: j >= o.reservedNeed!.limit,
          })),
        }
      : null,
    memory_blocks: {
      block_size: hex(bc.blockSize),
      online: bc.online,
      offline: bc.offline,
      refused: bc.refused,
      runs: o.memoryBlocks.map((b) => ({
        start: hex(b.start),
        end: hex(b.end),
        state: b.state,
        origin: b.origin,
        ...(b.device && { device: b.device }),
        reason: b.reason,
      })),
    },
    findings: o.findings.map((x) => ({
      id: x.id,
      severity: x.severity,
      title: x.title,
      cause: x.cause,
      evidence: x.evidence.map(evidenceJson),
      fixes: x.fixes.map(fixJson),
      ...(x.ruledOut && { ruled_out: x.ruledOut.map(fixJson) }),
    })),
    log: o.log,
    ...(o.logLevels && { log_levels: o.logLevels }),
    seamcall_count: o.seamcalls.length,
    runs: o.runs,
    ...(o.recorded && { recorded: recordedDocument(o.recorded) }),
    provenance,
  };
}

/**
 * A recorded host's evidence as JSON: the verdict over every boot, each boot's
 * items (printed, predicted, verdict, reason, the assumptions behind them,
 * and the line faces print), the decoded failure, the facts with their
 * basis, what would let the lab check more, the readiness checklist, and
 * the observed boots as imported.
 */
export function recordedDocument(r: RecordedEvidence): Record<string, unknown> {
  return {
    verdict: r.verdict,
    verdict_text: checkVerdictText(r.verdict),
    reason: r.reason,
    ...(r.layoutMissing && { layout_missing: r.layoutMissing }),
    boots: r.boots.map(({ evidence: e, observed, check }) => ({
      source: e.source,
      kernel: e.kernel,
      variant: e.variant,
      variant_reason: e.variantReason,
      variant_basis: e.variantBasis,
      printed_outcome: e.printedOutcome,
      verdict: e.verdict,
      reason: e.reason,
      items: e.items.map((i) => ({
        id: i.id,
        label: i.label,
        printed: i.printed,
        predicted: i.predicted,
        verdict: i.verdict,
        reason: i.reason,
        assumed: i.assumed,
        text: evidenceItemText(i),
      })),
      decoded: e.decoded,
      printed_lines: e.printedLines,
      observed,
      check,
    })),
    facts: r.facts.map((f) => ({ ...f, text: factText(f) })),
    assumptions: r.assumptions,
    needs: r.needs,
    readiness: r.readiness,
  };
}
