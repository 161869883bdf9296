/** `tdx-lab simulate SCENARIO.json`: play a scenario (host + kernel + events) and report event by event. */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseScenario } from '../../../engine/scenario/parse.js';
import { runScenario } from '../../../engine/scenario/run.js';
import { InputError, problemsMessage, readJsonFile } from '../../node/input-file.js';
import { EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { renderScenarioText } from '../render/simulate-text.js';
import type { Scenario } from '../../../engine/scenario/types.js';
import type { ScenarioResult } from '../../../engine/scenario/run.js';
import { DB_OPTION_HELP, openStoreForCli } from './session.js';
import { recordRun } from '../../store/record-run.js';
import { checkSessionName } from '../../store/sessions.js';
import { eventsFromTimeline } from '../../store/timeline-events.js';
import { maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage, writeText } from '../output.js';

/**
 * Reads and validates a scenario file. `hostFile` (relative to the scenario
 * file; a bare host or a golden case file) may stand in for an inline `host`.
 */
export function loadScenarioFile(file: string): Scenario {
  const json = readJsonFile(file, 'scenario');
  let doc = json;
  let hostFile: string | undefined;
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'hostFile' in json && !('host' in json)) {
    const ref = (json as { hostFile: unknown }).hostFile;
    if (typeof ref !== 'string' || ref === '')
      throw new InputError(`${file}: $.hostFile: must be a path relative to the scenario file`);
    hostFile = resolve(dirname(file), ref);
    const hostJson = readJsonFile(hostFile, 'host');
    const isCase = typeof hostJson === 'object' && hostJson !== null && 'input' in hostJson && 'expected' in hostJson;
    doc = { ...json, host: isCase ? (hostJson as { input: unknown }).input : hostJson };
  }
  const parsed = parseScenario(doc);
  if (!parsed.ok) {
    const hostProblem = hostFile && parsed.problems[0].path.startsWith('$.host');
    if (hostProblem) {
      throw new InputError(
        problemsMessage(
          hostFile!,
          parsed.problems.map((p) => ({ ...p, path: p.path.replace(/^\$\.host/, '$') })),
        ),
      );
    }
    throw new InputError(problemsMessage(file, parsed.problems));
  }
  return parsed.value;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'Play a scenario (host, kernel variant, timeline of boot/hotplug/init events) through the kernel and TDX module emulation',
    )
    .argument('<scenario>', 'scenario JSON file (see docs/scenarios.md)')
    .option('--json', 'print the ScenarioResult JSON document')
    .option(
      '--session <name>',
      'record the run and its event timeline in this lab notebook session (created if missing)',
    )
    .option('--db <path>', DB_OPTION_HELP)
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      '\nExit status: 0 when the module ends initialized (or no init was attempted), 1 when TDX init fails, 2 for bad input.',
    )
    .action((file: string, opts: { json?: boolean; session?: string; db?: string }) => {
      const scenario = loadScenarioFile(file);
      if (opts.session !== undefined) checkSessionName(opts.session);
      const result = runScenario(scenario);
      if (opts.session !== undefined) recordSimulation(file, scenario, result, opts.session, opts.db);
      if (opts.json) writeJson(JSON.stringify(result) + '\n');
      else writeText(renderScenarioText(file, result));
      process.exitCode = result.final.outcome === 'init-failed' ? EXIT_TDX_FAILED : EXIT_OK;
    });
}

/** Stores the run with one event per step, block change, SEAMCALL and log line (main/store/timeline-events.ts). */
function recordSimulation(
  file: string,
  scenario: Scenario,
  result: ScenarioResult,
  session: string,
  db: string | undefined,
): void {
  const store = openStoreForCli(db);
  try {
    const steps = result.events.map((e) => {
      const ev = scenario.events[e.index];
      const range = ev && 'range' in ev ? { start: ev.range.start, end: ev.range.end } : undefined;
      return { ...e, range, seamcalls: e.seamcalls.map((c) => ({ ...c })) };
    });
    const { run } = recordRun(store, session, {
      kind: 'simulate',
      host: scenario.host,
      variant: scenario.kernel,
      status: result.final.outcome === 'init-failed' ? 'failed' : 'ok',
      payload: result,
      summary: { outcome: result.final.outcome, tdmrCount: result.final.tdmrCount, pamtKb: result.final.pamtKb },
      provenance: { file, command: 'simulate' },
      events: eventsFromTimeline(steps),
    });
    writeMessage(`recorded run #${run.id} in session '${session}' (${store.path})`);
  } finally {
    store.close();
  }
}
