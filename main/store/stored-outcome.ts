/**
 * A run's payload as the notebook keeps it since runs carry their Outcome:
 * { format, outcome, result?, scenario? }. Runs recorded before keep their old
 * payload (a golden RESULT or a ScenarioResult) and have no Outcome.
 */
import type { Outcome } from '../../engine/outcome/types.js';
import { OUTCOME_SCHEMA } from '../../engine/outcome/types.js';

export const STORED_RUN_FORMAT = 'tdx-lab/run@2';

export interface StoredRunPayload {
  format: typeof STORED_RUN_FORMAT;
  outcome: Outcome;
  /** The run's own result document: a plan's golden RESULT, sweep rows. */
  result?: unknown;
  /** A simulate run's scenario document, to replay its timeline. */
  scenario?: unknown;
}

export function isStoredRunPayload(p: unknown): p is StoredRunPayload {
  if (typeof p !== 'object' || p === null) return false;
  const x = p as Partial<StoredRunPayload>;
  return (
    x.format === STORED_RUN_FORMAT &&
    typeof x.outcome === 'object' &&
    x.outcome !== null &&
    x.outcome.schema === OUTCOME_SCHEMA
  );
}

/** The Outcome a run was recorded with, or null for runs recorded before runs kept one. */
export function storedOutcome(payload: unknown): Outcome | null {
  return isStoredRunPayload(payload) ? payload.outcome : null;
}
