import type { IntegrationSettings, Role, TicketRecord } from '../../../db/database.ts';
import { getIntegrationSettings } from '../../integration/settings.ts';
import { ensureVisibility, notProvenMessage } from '../../integration/time-entry-visibility.ts';
import { DEFAULT_GATE_TIMEOUT_MS, timeEntryCounts, type CountResult, type GateOptions } from '../time-entry-gate.ts';
import type { ResolutionDeps } from './flow.ts';
import { leaseActive } from './lease.ts';
import { countFailedMessage, IN_PROGRESS_MESSAGE, NO_NOTE_TYPE_SHORT, timeEntriesMessage } from './messages.ts';
import { canResolve, COMPLETE_STATUS, resolveBlocker } from './rules.ts';

/** What pages show: the resolve action per ticket, offered only after a successful count. */

export type ResolvableTicket = Pick<
  TicketRecord,
  'id' | 'state' | 'ticketId' | 'statusId' | 'timeEntryCount' | 'timeEntriesCheckedAt' | 'resolveStartedAt'
>;

export interface ResolveAction {
  /** "Resolve ticket" may be clicked. */
  readonly offered: boolean;
  /** Shown next to the disabled action; null when offered. */
  readonly disabledReason: string | null;
  /** Time entries on the ticket, when counted. */
  readonly count: number | null;
}

/**
 * The resolve action for each shown ticket (keyed by its record id) that is created and not
 * complete. Empty when the user may not resolve or resolving is off: the action is then absent.
 * Without fresh proof that the API user sees non-billable time entries every action is disabled,
 * and no ticket is counted (`time-entry-visibility.ts`; the proof is checked again, within the
 * page's time budget, once it is older than a day). Counts come from the 60-second cache or are
 * refreshed with bounded concurrency and time (`time-entry-gate.ts`), so a page of many tickets
 * costs a few Autotask calls, once a minute.
 */
export async function resolveStateFor(
  deps: ResolutionDeps,
  role: Role | undefined,
  tickets: readonly (ResolvableTicket | null | undefined)[],
  /** `settings`: the integration settings when the page has read them already. */
  { settings: known, ...options }: GateOptions & { readonly settings?: IntegrationSettings } = {},
): Promise<Map<number, ResolveAction>> {
  const out = new Map<number, ResolveAction>();
  if (!canResolve(role)) return out;
  const candidates = tickets.filter(
    (t): t is ResolvableTicket & { ticketId: number } =>
      Boolean(t) && t!.state === 'created' && t!.ticketId !== null && t!.statusId !== COMPLETE_STATUS,
  );
  if (candidates.length === 0) return out;
  const settings = known ?? (await getIntegrationSettings(deps.db));
  if (resolveBlocker(settings)) return out;
  if (settings.noteTypeId === null) {
    // Offering the action would only lead to a refusal after the confirmation step.
    for (const t of candidates) out.set(t.id, { offered: false, disabledReason: NO_NOTE_TYPE_SHORT, count: null });
    return out;
  }

  const now = deps.now ?? (() => new Date());
  const client = () => deps.autotask.client(settings);
  const budgetMs = options.timeoutMs ?? DEFAULT_GATE_TIMEOUT_MS;
  const startedMs = Date.now();
  const visibility = await ensureVisibility(deps.db, settings, client, { now, pageTimeoutMs: budgetMs });
  if (!visibility.proven) {
    const disabledReason = notProvenMessage(visibility.reason);
    for (const t of candidates) out.set(t.id, { offered: false, disabledReason, count: null });
    return out;
  }
  // The proof and the counts share the page's wait.
  const timeoutMs = Math.max(0, budgetMs - (Date.now() - startedMs));
  const counts = await timeEntryCounts(deps.db, client, candidates, { now, ...options, timeoutMs });
  const at = now();
  for (const t of candidates) out.set(t.id, actionFor(t, counts.get(t.id), at));
  return out;
}

/** No count, time entries, or a resolve under way each disable the action, with the reason. */
function actionFor(t: ResolvableTicket, c: CountResult | undefined, at: Date): ResolveAction {
  if (!c || !c.ok) {
    return { offered: false, disabledReason: countFailedMessage(c ? c.reason : 'no answer.'), count: null };
  }
  if (c.count > 0) return { offered: false, disabledReason: timeEntriesMessage(c.count), count: c.count };
  if (leaseActive(t, at)) return { offered: false, disabledReason: IN_PROGRESS_MESSAGE, count: 0 };
  return { offered: true, disabledReason: null, count: 0 };
}
