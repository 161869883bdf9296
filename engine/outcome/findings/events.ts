/** Scenario events that failed, other than init (the verdict) and refused onlines (blocks-refused). */
import type { Evidence, Finding } from '../types.js';
import type { RuleContext } from './context.js';

export function eventFailed(c: RuleContext): Finding[] {
  if (c.run.kind !== 'scenario') return [];
  const failed = c.run.result.events.filter(
    (e) => !e.ok && e.kind !== 'init' && e.kind !== 'boot' && !e.blocks.some((b) => b.to === 'refused'),
  );
  return failed.slice(0, 5).map((e) => ({
    id: 'event-failed' as const,
    severity: 'warning' as const,
    title: `Event ${e.index} (${e.kind}) failed`,
    cause: `${e.summary}${e.error ? '' : e.errno ? ` (${e.errno})` : ''}.`,
    evidence: [{ kind: 'fact', label: `event ${e.index}`, value: e.error ?? e.errno ?? 'failed' } as Evidence],
    fixes: [],
  }));
}
