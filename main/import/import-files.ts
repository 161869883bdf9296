/**
 * `tdx-lab import`: reads every artifact, refuses a mix of hosts, builds the
 * host and the recorded-host document.
 */
import { basename } from 'node:path';
import { buildHost, type ImportResult } from '../../engine/import/build-host.js';
import { mixedHosts } from '../../engine/import/same-host.js';
import { type RecordedHostDoc, recordedHostDoc } from '../../engine/import/recorded.js';
import type { ObservedBoot } from '../../engine/import/observed.js';
import { parseHost } from '../../engine/host/validate.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { InputError, problemsMessage } from '../node/input-file.js';
import { readArtifact, type ReadArtifact } from './read-artifact.js';
import type { ReportedPlatform } from '../../engine/import/facts.js';
import type { Readiness } from '../../engine/readiness/checklist.js';
import { readinessOfRecorded } from '../../engine/readiness/recorded.js';
import { factsFromJson } from '../../engine/import/host-facts.js';
import { listedFromJson } from '../../engine/import/recorded.js';

export interface ImportOutput {
  doc: RecordedHostDoc;
  result: ImportResult;
  /** "file:line: warning" lines for stderr. */
  warnings: string[];
  /** The readiness checklist as far as the artifacts tell (no MSR values unless a system report printed them). */
  readiness?: Readiness;
}

/** A recorded host file given to import: its host and observed boots are kept. */
function fromRecorded(a: ReadArtifact): ImportResult {
  const doc = a.facts.hostJson as Record<string, unknown>;
  const observed = Array.isArray(doc.observed) ? (doc.observed as ObservedBoot[]) : [];
  const assumptions = Array.isArray(doc.assumptions) ? (doc.assumptions as string[]) : [];
  const devicesListed = Array.isArray(doc.devices_listed) ? listedFromJson(doc.devices_listed) : [];
  const facts = Array.isArray(doc.facts) ? factsFromJson(doc.facts) : [];
  if (!('memblock' in doc))
    return {
      observed,
      assumptions,
      devicesListed,
      facts,
      noHostReason:
        typeof doc.layout_missing === 'string' ? doc.layout_missing : 'the recorded host has no memory layout',
    };
  const parsed = parseHost(doc);
  if (!parsed.ok) throw new InputError(problemsMessage(a.source, parsed.problems));
  return {
    host: parsed.value,
    observed,
    assumptions,
    devicesListed,
    facts,
  };
}

function fileStem(logs: readonly ReadArtifact[]): string | undefined {
  return logs.length ? basename(logs[0].source).replace(/\.[^.]*$/, '') || undefined : undefined;
}

export async function importFiles(files: readonly string[], opts: { name?: string } = {}): Promise<ImportOutput> {
  if (!files.length) throw new InputError('import: no files given');
  const read: ReadArtifact[] = [];
  for (const f of files) read.push(await readArtifact(f));
  const mixed = mixedHosts(read);
  if (mixed) throw new InputError(`${mixed}: refusing to merge artifacts of different hosts`);

  const recorded = read.filter((r) => r.facts.hostJson !== undefined);
  const logs = read.filter((r) => r.facts.hostJson === undefined);
  if (recorded.length > 1)
    throw new InputError(
      `${recorded[1].source}: only one recorded host can be imported at a time (also ${recorded[0].source})`,
    );
  let result: ImportResult;
  if (recorded.length) {
    result = fromRecorded(recorded[0]);
    if (logs.length) {
      const fromLogs = buildHost(logs, opts.name);
      result.observed.push(...fromLogs.observed);
      result.assumptions.push(
        `${recorded[0].source}: memory layout taken from the recorded host; kernel messages from ${logs.map((l) => l.source).join(', ')}`,
      );
    }
    if (opts.name && result.host) result.host.name = opts.name;
  } else {
    // Without a hostname in the artifacts, the first file names the host.
    const fallback = fileStem(logs);
    const named = logs.some((l) => l.facts.hostnames.length);
    result = buildHost(
      logs,
      opts.name ?? (named ? undefined : fallback),
      opts.name ? 'given with --name' : named ? undefined : 'the artifacts name no host: named after the first file',
    );
  }

  const warnings: string[] = [];
  for (const r of read)
    for (const w of r.facts.warnings)
      warnings.push(`${r.source}${w.line !== undefined ? `:${w.line}` : ''}: warning: ${w.message}`);

  const doc = recordedHostDoc(result, {
    tool: `tdx-lab ${ENGINE_VERSION}`,
    how: 'import',
    hostname: result.hostname,
    kernel: result.kernel,
    cpu_model: result.cpuModel,
    sources_read: read.map((r) => ({ source: r.source, kinds: r.facts.kinds, lines: r.lines })),
    sources_failed: [],
  });
  // The MSR bits a system-report.sh printed: kept, so every later analysis tells the same checklist.
  const reported: ReportedPlatform = Object.assign({}, ...logs.map((l) => l.facts.reported ?? {}));
  if (Object.keys(reported).length) doc.reported = reported;
  const readiness = logs.length ? readinessOfRecorded(result.observed, { reported }, result.kernel) : undefined;
  if (readiness) doc.readiness = readiness;
  // Never write a host the rest of the lab would refuse; the artifacts are what was wrong, so say so as bad input.
  if (result.host) {
    const check = parseHost(doc);
    if (!check.ok)
      throw new InputError(
        `${read.map((r) => r.source).join(', ')}: these artifacts give no host the lab can run: ${problemsMessage('the imported host', check.problems)}`,
      );
  }
  return { doc, result, warnings, readiness };
}
