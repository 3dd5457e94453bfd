import type { Db, TicketRecord } from '../../db/database.ts';
import { pageWaitOver, psaFailureReason } from '../../errors/psa-messages.ts';
import type { PsaClient, PsaProfile } from '../../psa/port.ts';
import { withDeadline } from '../../shared/deadline.ts';

/**
 * The time-entry gate: a ticket with any time entry (billable or not) is never resolved from
 * Backupchecks, because someone has worked on it in the PSA and it is closed there. Pages show the
 * action disabled when a ticket has time entries, so they need the count of every ticket they show.
 * Counting is one PSA call per ticket; the result is kept in TicketRecord (`timeEntryCount`,
 * `timeEntriesCheckedAt`) for at most a minute, in the database so that every instance shares it.
 * The resolve flow itself never trusts the cache: it counts live.
 */

/** How long a counted number of time entries may be shown before it is counted again. */
export const TIME_ENTRY_CACHE_MS = 60_000;

export type GateTicket = Pick<TicketRecord, 'id' | 'ticketId' | 'timeEntryCount' | 'timeEntriesCheckedAt'>;

export type CountResult =
  { readonly ok: true; readonly count: number } | { readonly ok: false; readonly reason: string };

/** The cached count when it is younger than `TIME_ENTRY_CACHE_MS`, else null. */
export function cachedTimeEntryCount(ticket: GateTicket, now: Date): number | null {
  const at = ticket.timeEntriesCheckedAt;
  if (ticket.timeEntryCount === null || at === null) return null;
  const age = now.getTime() - at.getTime();
  // A clock that went backwards (another instance ahead of this one) makes the entry suspect.
  return age >= 0 && age < TIME_ENTRY_CACHE_MS ? ticket.timeEntryCount : null;
}

/** Counts live in the PSA and stores the count as the new cache entry. Throws PsaErrors. */
export async function countTimeEntriesLive(
  db: Db,
  client: PsaClient,
  ticket: Pick<TicketRecord, 'id'> & { readonly ticketId: number },
  now: () => Date = () => new Date(),
): Promise<number> {
  const count = await client.countTimeEntries(ticket.ticketId);
  await db.ticket.update({
    where: { id: ticket.id },
    data: { timeEntryCount: count, timeEntriesCheckedAt: now() },
  });
  return count;
}

export interface GateOptions {
  /**
   * Counts running at once. Autotask's client allows 3 per endpoint anyway (more would only queue);
   * ConnectWise publishes no limit, and 3 stays polite there too.
   */
  readonly concurrency?: number;
  /** The page waits at most this long for fresh counts; late ones still fill the cache. */
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

export const DEFAULT_GATE_TIMEOUT_MS = 4_000;

/**
 * Time-entry counts for many tickets, keyed by TicketRecord id: fresh cache entries as they are,
 * stale ones counted again, at most `concurrency` at a time and for at most `timeoutMs` in total,
 * so a page never waits long on the PSA and never sends one call per row all at once.
 * A ticket whose count is not known in time gets a failure with a reason, never a guess.
 */
export async function timeEntryCounts(
  db: Db,
  profile: Pick<PsaProfile, 'psa' | 'client'>,
  tickets: readonly (GateTicket & { readonly ticketId: number })[],
  options: GateOptions = {},
): Promise<Map<number, CountResult>> {
  const now = options.now ?? (() => new Date());
  const results = new Map<number, CountResult>();
  const stale: (GateTicket & { readonly ticketId: number })[] = [];
  const at = now();
  for (const t of tickets) {
    const cached = cachedTimeEntryCount(t, at);
    if (cached === null) stale.push(t);
    else results.set(t.id, { ok: true, count: cached });
  }
  if (stale.length === 0) return results;

  let client: PsaClient;
  try {
    client = profile.client();
  } catch (e) {
    // Credentials missing or undecryptable: the same reason for every ticket, and no call made.
    const reason = psaFailureReason(e);
    for (const t of stale) results.set(t.id, { ok: false, reason });
    return results;
  }

  let expired = false;
  const queue = [...stale];
  const worker = async () => {
    for (let t = queue.shift(); t && !expired; t = queue.shift()) {
      const ticket = t;
      try {
        const count = await countTimeEntriesLive(db, client, ticket, now);
        results.set(ticket.id, { ok: true, count });
      } catch (e) {
        results.set(ticket.id, { ok: false, reason: psaFailureReason(e) });
      }
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const workers = Promise.all(Array.from({ length: Math.min(concurrency, stale.length) }, worker));
  await withDeadline(
    workers.then(() => undefined),
    options.timeoutMs ?? DEFAULT_GATE_TIMEOUT_MS,
    undefined,
  );
  expired = true;

  // Snapshot now: counts that finish later only fill the cache for the next page view.
  const out = new Map(results);
  for (const t of stale) {
    if (!out.has(t.id)) out.set(t.id, { ok: false, reason: pageWaitOver(profile.psa) });
  }
  return out;
}
