import type { Role, TicketRecord } from '../../../db/database.ts';
import type { PsaProfile } from '../../../psa/port.ts';
import { DEFAULT_GATE_TIMEOUT_MS, timeEntryCounts, type CountResult, type GateOptions } from '../time-entry-gate.ts';
import { isOfProfile } from '../ticket-psa.ts';
import type { ResolutionDeps } from './flow.ts';
import { leaseActive } from './lease.ts';
import { countFailedMessage, IN_PROGRESS_MESSAGE, noNoteTypeShort, timeEntriesMessage } from './messages.ts';
import { canResolve, resolveBlocker } from './rules.ts';

/** What pages show: the resolve action per ticket, offered only after a successful count. */

export type ResolvableTicket = Pick<
  TicketRecord,
  | 'id'
  | 'state'
  | 'ticketId'
  | 'statusClosed'
  | 'psaType'
  | 'timeEntryCount'
  | 'timeEntriesCheckedAt'
  | 'resolveStartedAt'
>;

export interface ResolveAction {
  /** "Resolve ticket" may be clicked. */
  readonly offered: boolean;
  /** Shown next to the disabled action; null when offered. */
  readonly disabledReason: string | null;
  /** Time entries on the ticket, when counted. */
  readonly count: number | null;
}

type Candidate = ResolvableTicket & { ticketId: number };

/**
 * The resolve action for each shown ticket (keyed by its record id) that is created, not closed,
 * and of the active PSA. Empty when the user may not resolve or resolving is off: the action is
 * then absent (a ticket of a PSA that is no longer active says why in its cell, view-model.ts).
 * Without fresh proof that the API user sees every time entry each action is disabled, and no
 * ticket is counted (`PsaProfile.ensureTimeEntryVisibility`; the proof is checked again, within the
 * page's time budget, once it is older than a day). Counts come from the 60-second cache or are
 * refreshed with bounded concurrency and time (`time-entry-gate.ts`), so a page of many tickets
 * costs a few PSA calls, once a minute.
 */
export async function resolveStateFor(
  deps: Pick<ResolutionDeps, 'db' | 'profile' | 'now'>,
  role: Role | undefined,
  tickets: readonly (ResolvableTicket | null | undefined)[],
  options: GateOptions = {},
): Promise<Map<number, ResolveAction>> {
  const out = new Map<number, ResolveAction>();
  const { profile } = deps;
  if (!canResolve(role)) return out;
  const candidates = tickets.filter(
    (t): t is Candidate =>
      Boolean(t) && t!.state === 'created' && t!.ticketId !== null && !t!.statusClosed && isOfProfile(t!, profile),
  );
  if (candidates.length === 0 || resolveBlocker(profile)) return out;
  const noNote = noNoteTypeShort(profile);
  if (noNote !== null) {
    // Offering the action would only lead to a refusal after the confirmation step.
    return disableAll(out, candidates, noNote);
  }

  const now = deps.now ?? (() => new Date());
  const budgetMs = options.timeoutMs ?? DEFAULT_GATE_TIMEOUT_MS;
  const startedMs = Date.now();
  const visibility = await profile.ensureTimeEntryVisibility({ now, pageTimeoutMs: budgetMs });
  if (!visibility.proven) return disableAll(out, candidates, profile.notProvenMessage(visibility.reason ?? ''));
  // The proof and the counts share the page's wait.
  const timeoutMs = Math.max(0, budgetMs - (Date.now() - startedMs));
  const counts = await timeEntryCounts(deps.db, profile, candidates, { now, ...options, timeoutMs });
  const at = now();
  for (const t of candidates) out.set(t.id, actionFor(profile, t, counts.get(t.id), at));
  return out;
}

function disableAll(
  out: Map<number, ResolveAction>,
  candidates: readonly Candidate[],
  disabledReason: string,
): Map<number, ResolveAction> {
  for (const t of candidates) out.set(t.id, { offered: false, disabledReason, count: null });
  return out;
}

/** No count, time entries, or a resolve under way each disable the action, with the reason. */
function actionFor(
  profile: Pick<PsaProfile, 'name'>,
  t: ResolvableTicket,
  c: CountResult | undefined,
  at: Date,
): ResolveAction {
  if (!c || !c.ok) {
    return {
      offered: false,
      disabledReason: countFailedMessage(c ? c.reason : 'no answer.', profile.name),
      count: null,
    };
  }
  if (c.count > 0) return { offered: false, disabledReason: timeEntriesMessage(c.count, profile.name), count: c.count };
  if (leaseActive(t, at)) return { offered: false, disabledReason: IN_PROGRESS_MESSAGE, count: 0 };
  return { offered: true, disabledReason: null, count: 0 };
}
