/** `tdx-lab simulate SCENARIO.json`: play a scenario (host + kernel + events) and report event by event. */
import type { Command } from 'commander';
import { runScenario } from '../../../engine/scenario/run.js';
import { loadScenarioDocument } from '../../node/scenario-file.js';
import { analyzeScenario } from '../../../engine/outcome/analyze.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import { renderOutcomeSummary } from '../render/outcome-text.js';
import { EXIT_OK, EXIT_TDX_FAILED } from '../errors.js';
import { renderScenarioText } from '../render/simulate-text.js';
import type { Scenario } from '../../../engine/scenario/types.js';
import { DB_OPTION_HELP, openStoreForCli } from './session.js';
import { recordRun } from '../../store/record-run.js';
import { checkSessionName } from '../../store/sessions.js';
import { eventsFromTimeline } from '../../store/timeline-events.js';
import { maxInputSizeOption } from '../options.js';
import { writeJson, writeMessage, writeText } from '../output.js';

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
      const { scenario, doc } = loadScenarioDocument(file);
      if (opts.session !== undefined) checkSessionName(opts.session);
      // --json is the ScenarioResult alone; the text and the notebook get the whole analysis.
      const outcome = !opts.json || opts.session !== undefined ? analyzeScenario(scenario) : undefined;
      const result = outcome ? outcome.scenario! : runScenario(scenario);
      if (opts.session !== undefined) recordSimulation(file, scenario, doc, outcome!, opts.session, opts.db);
      if (opts.json) writeJson(JSON.stringify(result) + '\n');
      else writeText(renderScenarioText(file, result) + '\n\n' + renderOutcomeSummary(outcome!));
      process.exitCode = result.final.outcome === 'init-failed' ? EXIT_TDX_FAILED : EXIT_OK;
    });
}

/** Stores the run with its Outcome, its scenario document and one event per step, block change, SEAMCALL and log line. */
function recordSimulation(
  file: string,
  scenario: Scenario,
  doc: unknown,
  outcome: Outcome,
  session: string,
  db: string | undefined,
): void {
  const result = outcome.scenario!;
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
      outcome,
      scenarioJson: doc,
      summary: {
        outcome: result.final.outcome,
        tdmrCount: outcome.plan?.tdmrs.length ?? 0,
        pamtKb: result.final.pamtKb,
      },
      provenance: { file, command: 'simulate' },
      events: eventsFromTimeline(steps),
    });
    writeMessage(`recorded run #${run.id} in session '${session}' (${store.path})`);
  } finally {
    store.close();
  }
}
