import type { Db, Prisma } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import type { Logger } from '../../logger.ts';
import type { PsaAccess } from '../../psa/access.ts';
import { PsaError } from '../../psa/errors.ts';
import type { PsaClient, PsaProfile, PsaType } from '../../psa/port.ts';
import { claimSyncRun, TICKET_STATUS_SYNC_KIND, type SyncLogHandle } from '../integration/sync-log.ts';
import { autotaskBudgetPaused } from './request-budget-gate.ts';
import { refreshableSelect, refreshTicketStatuses } from './status-snapshots.ts';

/** Tickets per query (Autotask's `getTickets` sends `in` filters of this size, src/autotask/tickets.ts). */
const TICKETS_PER_QUERY = 500;

/**
 * Closures seen without a click: every open ticket of the active PSA (created, status not a closed
 * one) has its status read in the background, so a ticket closed in the PSA shows closed within
 * one interval even when nobody opens a page. Page views still refresh the tickets they show
 * (upkeep.ts); this covers the ones nobody looks at. Tickets of a PSA that is no longer the active
 * one keep their snapshot.
 *
 * One cycle is one exported function with explicit deps (`refreshOpenTicketStatuses`), which the
 * job queue runs every minute (`runStatusRefresh`, src/jobs/background-jobs.ts). It follows the company sync's background rules
 * (src/services/mapping/background-sync.ts): reads only; nothing at all while the integration is
 * off, lacks credentials or no ticket is open; one cycle at a time across every app instance
 * sharing the database (the claim is a sync-log row); a pause after a failure; and, with Autotask,
 * a pause while the tenant has used 80 % of its hourly request budget (integration/request-budget.ts).
 */

/** The default interval (TICKET_STATUS_REFRESH_MINUTES in src/config.ts). */
export const DEFAULT_INTERVAL_MS = 15 * 60_000;
/** How often the background job asks whether a cycle is due (its cron); the sync log decides. */
export const TICK_MS = 60_000;
/**
 * A cycle is due once the last one started `interval − DUE_SLACK_MS` ago: half a tick, so the job's
 * start-up jitter never pushes a cycle to the tick after (which would stretch 15 minutes into 16).
 */
export const DUE_SLACK_MS = TICK_MS / 2;
/** A cycle that started this long ago and never finished (a crash) no longer blocks the next. */
export const RUNNING_WINDOW_MS = 5 * 60_000;
/** After a failed status refresh (background or page view), cycles wait this long before asking again. */
export const FAILURE_BACKOFF_MS = 5 * 60_000;
/** At most this many tickets per cycle (10 queries), longest unchecked first; the next cycle takes the rest. */
export const CYCLE_LIMIT = 5000;
/** The sync-log trigger of a background cycle, as Diagnostics shows it. */
export const BACKGROUND_TRIGGER = 'background';

export interface BackgroundStatusRefreshDeps {
  readonly db: Db;
  readonly psa: PsaAccess;
  readonly logger: Logger;
}

export interface CycleOptions {
  /** The cycle's clock (tests move it to step past the back-off). */
  readonly now?: Date;
  /** Cycles start at least about this far apart, across instances. */
  readonly intervalMs?: number;
}

export type SkipReason = 'integration-off' | 'no-open-tickets' | 'backing-off' | 'not-due' | 'budget-paused';

export type StatusRefreshCycle =
  | { readonly outcome: 'skipped'; readonly reason: SkipReason }
  | { readonly outcome: 'refreshed'; readonly syncLogId: number; readonly checked: number; readonly missing: number }
  /** The PSA could not be read: the sync log has its words, and cycles back off. */
  | { readonly outcome: 'failed'; readonly syncLogId: number; readonly error: PsaError };

const skipped = (reason: SkipReason): StatusRefreshCycle => ({ outcome: 'skipped', reason });

/** Created in the PSA and not in a closed status (a status never read counts as open). */
export const openTicketWhere = (psa: PsaType) =>
  ({
    state: 'created',
    psaType: psa,
    ticketId: { not: null },
    statusClosed: false,
  }) satisfies Prisma.TicketWhereInput;

/**
 * One background cycle: reads the status of every open ticket (one query per 500, through
 * refreshTicketStatuses) unless there is none, the integration is off, another instance ran a
 * cycle within the interval, a refresh failed moments ago, or the request budget is nearly used.
 * Sends no request in any of those cases. Throws only for a failure of the database.
 */
export async function refreshOpenTicketStatuses(
  deps: BackgroundStatusRefreshDeps,
  options: CycleOptions = {},
): Promise<StatusRefreshCycle> {
  const { db } = deps;
  const now = options.now ?? new Date();
  const ready = await backgroundClient(deps);
  if (!ready) return skipped('integration-off');
  const anyOpen = await db.ticket.findFirst({ where: openTicketWhere(ready.profile.psa), select: { id: true } });
  if (!anyOpen) return skipped('no-open-tickets');
  const claim = await claimCycle(db, now, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  if ('reason' in claim) return skipped(claim.reason);
  try {
    return await runClaimedCycle(db, ready, claim.log, now);
  } catch (e) {
    // A database failure mid-cycle: close the claim so that it reads as a failure, not as running.
    await db.syncLog
      .updateMany({
        where: { id: claim.log.id, finishedAt: null },
        data: { finishedAt: new Date(), ok: false, errors: 1, message: e instanceof Error ? e.message : String(e) },
      })
      .catch(() => undefined);
    throw e;
  }
}

interface Ready {
  readonly profile: PsaProfile;
  readonly client: PsaClient;
}

/** The active PSA's client for background reads, or null when it is off or its credentials are unusable. */
async function backgroundClient(deps: BackgroundStatusRefreshDeps): Promise<Ready | null> {
  const profile = await deps.psa.active(deps.db);
  if (!profile.enabled || !profile.hasCredentials) return null;
  try {
    return { profile, client: profile.client() };
  } catch (e) {
    // An API secret or key that no longer decrypts: Settings says so; the background has nothing to add.
    if (e instanceof RuleError) return null;
    throw e;
  }
}

async function runClaimedCycle(db: Db, ready: Ready, log: SyncLogHandle, now: Date): Promise<StatusRefreshCycle> {
  const { profile, client } = ready;
  const rows = await db.ticket.findMany({
    where: openTicketWhere(profile.psa),
    select: refreshableSelect,
    orderBy: [{ statusCheckedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    take: CYCLE_LIMIT,
  });
  // The budget check knows the cycle's size: one query per 500 tickets (client.getTickets).
  const planned = Math.ceil(rows.length / TICKETS_PER_QUERY);
  if (await autotaskBudgetPaused(db, profile, now, planned)) {
    // Not a cycle that ran: the claim goes, and Diagnostics shows the pause from the reading.
    await db.syncLog.delete({ where: { id: log.id } });
    return skipped('budget-paused');
  }
  try {
    const result = await refreshTicketStatuses({ db, client }, rows, now, { log });
    return { outcome: 'refreshed', syncLogId: log.id, ...result };
  } catch (e) {
    // refreshTicketStatuses has closed the sync-log row with the PSA's words.
    if (e instanceof PsaError) return { outcome: 'failed', syncLogId: log.id, error: e };
    throw e;
  }
}

/**
 * Claims a cycle across every app instance sharing the database (`claimSyncRun`). Returns a
 * reason, leaving no row behind, when a refresh failed moments ago or a cycle is running or ran
 * within the interval. The job asks every minute and is usually told no: it looks first.
 */
async function claimCycle(
  db: Db,
  now: Date,
  intervalMs: number,
): Promise<{ log: SyncLogHandle } | { reason: 'backing-off' | 'not-due' }> {
  const claimed = await claimSyncRun(db, {
    kind: TICKET_STATUS_SYNC_KIND,
    trigger: BACKGROUND_TRIGGER,
    now,
    backoffMs: FAILURE_BACKOFF_MS,
    taken: takenWhere(now, intervalMs),
    lookFirst: true,
  });
  if (claimed === 'backing-off') return { reason: 'backing-off' };
  if (claimed === 'taken') return { reason: 'not-due' };
  return { log: claimed };
}

/** Background cycles that make another one wait: one that succeeded within the interval, or one still running. */
function takenWhere(now: Date, intervalMs: number): Prisma.SyncLogWhereInput {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  return {
    kind: TICKET_STATUS_SYNC_KIND,
    trigger: BACKGROUND_TRIGGER,
    OR: [
      { ok: true, startedAt: { gt: ago(intervalMs - DUE_SLACK_MS) } },
      { finishedAt: null, startedAt: { gt: ago(RUNNING_WINDOW_MS) } },
    ],
  };
}

/**
 * One cycle as the background job runs it, every minute (src/jobs/background-jobs.ts): a cycle runs
 * when the sync log says one is due, so instances share the interval. A PSA failure is recorded in
 * the sync log; anything else is thrown for the job queue to retry.
 */
export async function runStatusRefresh(
  deps: BackgroundStatusRefreshDeps,
  options: { intervalMinutes: number },
): Promise<StatusRefreshCycle> {
  const cycle = await refreshOpenTicketStatuses(deps, { intervalMs: options.intervalMinutes * 60_000 });
  if (cycle.outcome === 'failed') {
    deps.logger.warn({ syncLogId: cycle.syncLogId, err: cycle.error }, 'background ticket status refresh failed');
  }
  return cycle;
}
