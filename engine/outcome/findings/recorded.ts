/** recorded-disagrees: a recorded boot printed something the emulator does not reproduce (its evidence items say what). */
import { evidenceItemText } from '../text.js';
import type { Evidence, Finding } from '../types.js';
import type { RuleContext } from './context.js';

export function recordedDisagrees(c: RuleContext): Finding[] {
  const boots = c.recorded?.boots ?? [];
  return boots
    .filter((b) => b.evidence.verdict === 'disagree')
    .map((b) => {
      const items = b.evidence.items.filter((i) => i.verdict === 'disagree');
      return {
        id: 'recorded-disagrees' as const,
        severity: 'warning' as const,
        title: `${b.observed.source}: the emulator disagrees with what the host printed`,
        cause: `The host printed ${b.evidence.printedOutcome}${b.check ? ` ("${b.check.printed}")` : ''}; the emulator gives "${b.check?.emulated ?? 'nothing comparable'}". The recorded layout differs from the real one, or the kernel behaves differently from its profile ${b.evidence.variant}.`,
        evidence: [
          ...items.map((i): Evidence => ({ kind: 'fact', label: 'evidence', value: evidenceItemText(i) })),
          ...(b.check?.notes ?? []).map((n): Evidence => ({ kind: 'fact', label: 'check', value: n })),
          ...items
            .flatMap((i) => i.assumed)
            .filter((a, j, all) => all.indexOf(a) === j)
            .map((a): Evidence => ({ kind: 'fact', label: 'rests on', value: a })),
        ],
        fixes: [],
      };
    });
}
