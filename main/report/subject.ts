/**
 * What a report is about: one Outcome (engine/outcome) and where it came
 * from. Loading runs the analysis once; every format renders that Outcome.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { KernelVariant } from '../../engine/host/types.js';
import { analyzeHost, analyzeRecordedHost, analyzeScenario } from '../../engine/outcome/analyze.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { hostFromJson } from '../node/host-file.js';
import { parseJsonText, readTextFile } from '../node/input-file.js';
import { isScenarioJson, scenarioFromJson } from '../node/scenario-file.js';
import { recordedHostFromJson, isRecordedHostJson } from '../node/recorded-file.js';
import { checkReportJson, type Alongside } from './limits.js';

/** Where a report's Outcome came from (printed in every report's provenance). */
export interface ReportProvenance {
  /** Basename of the input file, or the stored run it came from: reports never depend on the cwd. */
  input: string;
  sha256?: string;
  command?: string;
  tool: string;
  kernel: KernelVariant;
  kernelReason?: string;
  /** A stored run: when it was recorded and with which engine. */
  recorded?: { session: string; run: number; at: string; engine: string };
}

export interface ReportSubject {
  /** Basename of the input file. */
  file: string;
  outcome: Outcome;
  provenance: ReportProvenance;
}

export interface LoadOptions {
  kernel: KernelVariant;
  /** The kernel was chosen by the user (a recorded host otherwise takes its boot's kernel). */
  kernelGiven?: boolean;
  command?: string;
  /** The other subject of the same report (--compare), for the size limit (limits.ts). */
  alongside?: Alongside;
}

export function subjectFor(file: string, outcome: Outcome, extra: Partial<ReportProvenance> = {}): ReportSubject {
  return {
    file: basename(file),
    outcome,
    provenance: {
      input: basename(file),
      tool: `tdx-lab ${ENGINE_VERSION}`,
      kernel: outcome.subject.kernel,
      ...(outcome.subject.kernelReason && { kernelReason: outcome.subject.kernelReason }),
      ...extra,
    },
  };
}

/** Analyses the JSON of a host, golden case, scenario or recorded host. */
export function outcomeOfJson(file: string, json: unknown, o: LoadOptions): Outcome {
  if (isScenarioJson(json)) return analyzeScenario(scenarioFromJson(file, json));
  if (isRecordedHostJson(json))
    return analyzeRecordedHost(recordedHostFromJson(file, json), o.kernelGiven ? { kernel: o.kernel } : {});
  return analyzeHost(hostFromJson(file, json), o.kernel);
}

/** Loads one input file and analyses it. */
export function loadSubject(file: string, o: LoadOptions): ReportSubject {
  const text = readTextFile(file);
  const json = parseJsonText(file, text);
  checkReportJson(file, json, o.alongside); // too many regions for the memory budget: refused before any analysis
  const outcome = outcomeOfJson(file, json, o);
  return subjectFor(file, outcome, {
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    ...(o.command && { command: o.command }),
  });
}
