/** recorded-disagrees: a recorded boot printed something the emulator does not reproduce. */
import type { Evidence, Finding } from '../types.js';
import type { RuleContext } from './context.js';

export function recordedDisagrees(c: RuleContext): Finding[] {
  const boots = c.recorded?.boots ?? [];
  return boots
    .filter((b) => b.check?.verdict === 'disagree')
    .map((b) => ({
      id: 'recorded-disagrees' as const,
      severity: 'warning' as const,
      title: `${b.observed.source}: the emulator disagrees with what the host printed`,
      cause: `The host printed "${b.check!.printed}"; the emulator gives "${b.check!.emulated ?? 'nothing comparable'}". The recorded layout differs from the real one, or the kernel behaves differently from its variant ${b.check!.variant}.`,
      evidence: b.check!.notes.map((n): Evidence => ({ kind: 'fact', label: 'check', value: n })),
      fixes: [],
    }));
}
