/**
 * Every emulated fix quotes a run that really happened: re-running each
 * trial's changes independently gives what the trial says, a kernel trial
 * equals analysing the host on that kernel, and an analysis plans its host
 * once (every other planTdmrs call is a run it lists).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { analyzeHost, analyzeScenario } from '../../engine/outcome/analyze.js';
import { applyChanges, emulate, trialOf, TRIAL_REGION_LIMIT, type TrialSubject } from '../../engine/outcome/trials.js';
import { planTdmrsCalls } from '../../engine/kernel/construct.js';
import type { Outcome, Trial } from '../../engine/outcome/types.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { HOSTS_DIR, SCENARIOS_DIR, sampleHost, scenarioDoc, scenarioOf } from './helpers.js';

const hosts = readdirSync(HOSTS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5));
const scenarios = readdirSync(SCENARIOS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5));

function subjects(): { label: string; subject: TrialSubject; outcome: Outcome }[] {
  const out: { label: string; subject: TrialSubject; outcome: Outcome }[] = [];
  for (const h of hosts)
    for (const kernel of ['upstream', 'cmr-holes'] as const) {
      const host = sampleHost(h);
      out.push({
        label: `${h} ${kernel}`,
        subject: { kind: 'host', host, kernel },
        outcome: analyzeHost(host, kernel),
      });
    }
  for (const s of scenarios) {
    const scenario = scenarioOf(scenarioDoc(s));
    out.push({ label: s, subject: { kind: 'scenario', scenario }, outcome: analyzeScenario(scenario) });
  }
  return out;
}

function trialsOf(o: Outcome): Trial[] {
  return o.findings.flatMap((f) => [...f.fixes, ...(f.ruledOut ?? [])]).flatMap((x) => (x.trial ? [x.trial] : []));
}

test('every trial a fix quotes is what re-running its changes gives', () => {
  let checked = 0;
  for (const { label, subject, outcome } of subjects()) {
    for (const t of trialsOf(outcome)) {
      const again = trialOf(t.change, t.changes, emulate(applyChanges(subject, t.changes)));
      assert.deepEqual(again, t, `${label}: ${t.change}`);
      checked++;
    }
  }
  assert.ok(checked >= 15, `${checked} trials checked`);
});

test('a kernel trial is the host analysed on that kernel', () => {
  for (const h of hosts) {
    const host = sampleHost(h);
    const o = analyzeHost(host, 'upstream');
    for (const t of trialsOf(o).filter((x) => x.changes.length === 1 && x.changes[0].kind === 'kernel')) {
      const direct = analyzeHost(host, t.kernel, { trials: false });
      assert.equal(t.ok, direct.verdict.ok, `${h}: ${t.kernel}`);
      assert.equal(t.statusName, direct.verdict.statusName);
      assert.equal(t.pamtKb, direct.verdict.ok ? direct.pamt.printedKb : null);
      assert.equal(t.headline, direct.verdict.headline.replace(/; warning: .*$/, ''));
    }
  }
});

test('an analysis plans its host once: every planTdmrs call is one of the runs it lists', () => {
  for (const { label, subject } of subjects()) {
    const before = planTdmrsCalls();
    const o = subject.kind === 'host' ? analyzeHost(subject.host, subject.kernel) : analyzeScenario(subject.scenario);
    const calls = planTdmrsCalls() - before;
    assert.equal(
      calls,
      o.runs.reduce((n, r) => n + r.plans, 0),
      `${label}: ${JSON.stringify(o.runs)}`,
    );
    assert.equal(o.runs[0].purpose, 'analysis');
    // A host is planned once (when init got as far as TDMRs); a scenario once per init attempt that did.
    if (subject.kind === 'host') assert.equal(o.runs[0].plans, o.plan ? 1 : 0, `${label}: the host is planned once`);
    else assert.ok(o.runs[0].plans >= (o.plan ? 1 : 0), `${label}: the init that stands was planned`);
    const purposes = o.runs.map((r) => r.purpose);
    assert.equal(new Set(purposes).size, purposes.length, `${label}: no run is repeated`);
  }
});

test('trials stay within budget: a host past the limit names its fixes without re-running them', () => {
  // One 64 MiB region after another: one TDMR per GiB, more than the module's 8192.
  const host = contiguousHost({ regions: TRIAL_REGION_LIMIT + 1, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
  const before = planTdmrsCalls();
  const o = analyzeHost(host, 'upstream');
  assert.equal(o.verdict.stage, 'tdmrs');
  const f = o.findings.find((x) => x.id === 'too-many-tdmrs')!;
  assert.ok(
    f.fixes.length > 0 && f.fixes.every((x) => !x.trial && /memblock regions, more than/.test(x.notTried ?? '')),
  );
  assert.ok(!o.findings.some((x) => x.id === 'other-kernel-differs'), 'other kernels are not run either');
  // The analysis itself; no trials.
  assert.equal(planTdmrsCalls() - before, 1);
});
