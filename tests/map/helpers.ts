/** Shared by the map and report tests: golden hosts with their plans, and a linkedom SVG to draw into. */
import { parseHTML } from 'linkedom';
import { parseHost } from '../../engine/host/validate.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { loadGoldenCases } from '../helpers/golden.js';

export interface PlannedCase {
  name: string;
  host: Host;
  plan: Plan;
}

export function plannedGoldenCases(variant: KernelVariant = 'upstream'): PlannedCase[] {
  return loadGoldenCases(variant).map((c) => {
    const r = parseHost(c.input);
    if (!r.ok) throw new Error(`golden case ${c.name} does not parse: ${r.problems[0]?.message}`);
    return { name: c.name, host: r.value, plan: planTdmrs(r.value, variant) };
  });
}

/** A fresh document with one empty <svg>, as the report generator makes. */
export function emptySvg(): SVGSVGElement {
  const { document } = parseHTML(
    '<!doctype html><html><body><svg xmlns="http://www.w3.org/2000/svg"></svg></body></html>',
  );
  return document.querySelector('svg') as unknown as SVGSVGElement;
}

export function count(svg: SVGSVGElement, selector: string): number {
  return svg.querySelectorAll(selector).length;
}
