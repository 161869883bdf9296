/**
 * The one map input builder: from an Outcome to what buildMapModel draws,
 * for the app and for reports alike. The module's rejection, the reserved
 * areas needed past the limit, the memory blocks and the verdict in brief
 * all come from the Outcome; nothing is re-derived here.
 */
import type { Plan } from '../../engine/kernel/construct.js';
import type { Scenario } from '../../engine/scenario/types.js';
import { frameAt, hostAt } from '../../engine/planning/timeline.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { blockCounts, pamtFigureKb } from '../../engine/outcome/rows.js';
import type { MapFacts, MapInput } from './types.js';

export function mapFacts(o: Outcome): MapFacts {
  const c = blockCounts(o);
  return {
    ok: o.verdict.ok,
    level: o.verdict.level,
    failedTdmr: o.verdict.failedTdmr?.index ?? null,
    findings: o.findings.map((f) => f.id),
    pamtKb: pamtFigureKb(o),
    blocks: (['online', 'offline', 'refused'] as const).map((k) => `${k}:${c[k]}`).join(','),
  };
}

export function mapInputFromOutcome(o: Outcome): MapInput {
  // No plan: init stopped before the kernel built TDMRs, so the map shows memory and CMRs only.
  const plan: Plan = o.plan ?? { ok: true, variant: o.subject.kernel, memlist: [], log: [], tdmrs: [], pamtKb: 0 };
  const f = o.verdict.failedTdmr;
  const input: MapInput = { host: o.host, plan, memoryBlocks: o.memoryBlocks, facts: mapFacts(o) };
  if (f?.by === 'module') input.rejectedTdmr = { index: f.index, reason: f.reason };
  if (o.reservedNeed) input.neededReserved = { tdmr: o.reservedNeed.tdmr, areas: o.reservedNeed.areas };
  return input;
}

/**
 * A scenario's map at one step of its timeline: the memory as it stood after
 * that event, and the Outcome's TDMRs once the init that built them has run.
 */
export function mapInputAtStep(o: Outcome, scenario: Scenario, step: number): MapInput {
  if (!o.scenario) return mapInputFromOutcome(o);
  const frame = frameAt(o.scenario, step);
  const before: Plan = { ok: true, variant: o.subject.kernel, memlist: [], log: [], tdmrs: [], pamtKb: 0 };
  const initial = mapInputFromOutcome(o);
  const input: MapInput = {
    host: hostAt(scenario, o.scenario, step),
    plan: frame.initPlayed && o.plan ? o.plan : before,
    memoryBlocks: frame.blocks,
  };
  if (frame.initPlayed) {
    if (initial.rejectedTdmr) input.rejectedTdmr = initial.rejectedTdmr;
    if (initial.neededReserved) input.neededReserved = initial.neededReserved;
  }
  // The verdict in brief belongs to the end of the timeline.
  if (step >= o.scenario.events.length - 1) input.facts = initial.facts;
  return input;
}
