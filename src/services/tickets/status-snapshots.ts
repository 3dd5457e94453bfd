import { z } from 'zod';
import type { Db, TicketRecord } from '../../db/database.ts';
import { ticketNotReturned } from '../../errors/psa-messages.ts';
import { PsaError, toPsaError } from '../../psa/errors.ts';
import type { PsaClient, PsaTicket } from '../../psa/port.ts';
import { finishSyncLog, startSyncLog, TICKET_STATUS_SYNC_KIND, type SyncLogHandle } from '../integration/sync-log.ts';
import { isOfProfile } from './ticket-psa.ts';

/**
 * The last known status of created tickets: a snapshot, not a live view, so that a page of tickets
 * never waits on the PSA. Pages show the stored status with the time it was read; opening a page
 * refreshes snapshots older than five minutes with one batched query per 500 tickets (upkeep.ts,
 * which skips it while Autotask's hourly request budget is nearly used up), and a background cycle
 * reads every open ticket (every 15 minutes by default; background-status-refresh.ts). A failed or
 * skipped refresh changes nothing: the page keeps showing the old status "as of" its time. Only
 * tickets of the active PSA are read; a ticket of the PSA that was active before a switch keeps
 * the snapshot it has.
 */

export const STATUS_MAX_AGE_MS = 5 * 60_000;

/**
 * Status labels from the picklists the settings service caches in `IntegrationSettings.picklists`
 * (`{ status: [{ value, label }, …], … }`). Read leniently: the cache may be absent, older, or hold
 * values as strings the way Autotask's metadata does.
 */
const cachedPicklists = z.object({
  status: z.array(z.object({ value: z.coerce.number(), label: z.string() }).loose()),
});

export function statusLabelFrom(picklists: unknown, statusId: number | null): string | null {
  if (statusId === null) return null;
  const parsed = cachedPicklists.safeParse(picklists);
  if (!parsed.success) return null;
  return parsed.data.status.find((s) => s.value === statusId)?.label ?? null;
}

/** What a page prints: the label when known, else the number Autotask uses. */
export function statusText(picklists: unknown, ticket: Pick<TicketRecord, 'statusId' | 'statusLabel'>): string | null {
  if (ticket.statusId === null) return null;
  return statusLabelFrom(picklists, ticket.statusId) ?? ticket.statusLabel ?? `status ${ticket.statusId}`;
}

type Snapshot = Pick<TicketRecord, 'state' | 'ticketId' | 'ticketNumber' | 'url' | 'statusCheckedAt'>;

/** A created ticket whose snapshot is old or incomplete (number or link missing after a failed read-back). */
export function needsStatusRefresh(t: Snapshot, now: Date): boolean {
  if (t.state !== 'created' || t.ticketId === null) return false;
  if (t.ticketNumber === null || t.url === null || t.statusCheckedAt === null) return true;
  return now.getTime() - t.statusCheckedAt.getTime() >= STATUS_MAX_AGE_MS;
}

export interface StatusRefreshDeps {
  readonly db: Db;
  /** The active PSA's client; its labels come with the tickets it reads (`PsaTicket.statusLabel`). */
  readonly client: PsaClient;
}

export interface StatusRefreshResult {
  readonly checked: number;
  /** Tickets the PSA did not return (deleted, or no longer visible to the API user). */
  readonly missing: number;
}

export type Refreshable = Pick<
  TicketRecord,
  'id' | 'psaType' | 'ticketId' | 'ticketNumber' | 'url' | 'statusId' | 'statusLabel' | 'statusClosed' | 'lastError'
>;

/** The columns `refreshTicketStatuses` reads of each row. */
export const refreshableSelect = {
  id: true,
  psaType: true,
  ticketId: true,
  ticketNumber: true,
  url: true,
  statusId: true,
  statusLabel: true,
  statusClosed: true,
  lastError: true,
} as const;

export interface StatusRefreshOptions {
  /** What started the refresh, as the sync log (Diagnostics) shows it. */
  readonly trigger?: 'page-view' | 'background';
  /** A sync-log row opened already (a background cycle's claim, background-status-refresh.ts). */
  readonly log?: SyncLogHandle;
}

/**
 * Reads the tickets from the PSA (Autotask's client sends one `in` query per 500 ids) and stores
 * status, label and check time. Rows of another PSA than the client's are left as they are. Throws
 * when the PSA cannot be read; nothing is changed then.
 */
export async function refreshTicketStatuses(
  deps: StatusRefreshDeps,
  rows: readonly Refreshable[],
  now: Date = new Date(),
  options: StatusRefreshOptions = {},
): Promise<StatusRefreshResult> {
  const { db, client } = deps;
  const withIds = rows.filter(
    (r): r is Refreshable & { ticketId: number } => r.ticketId !== null && isOfProfile(r, client),
  );
  if (withIds.length === 0) return { checked: 0, missing: 0 };
  // Each refresh is a read-only sync from the PSA: it goes into the sync log with its counts.
  const log = options.log ?? (await startSyncLog(db, TICKET_STATUS_SYNC_KIND, options.trigger ?? 'page-view'));
  let tickets: readonly PsaTicket[];
  try {
    tickets = await client.getTickets(withIds.map((r) => r.ticketId));
  } catch (raw) {
    const e = toPsaError(raw);
    const message = e instanceof PsaError ? (e.detail ?? e.message) : String(e);
    await finishSyncLog(db, log, { checked: 0, renamed: 0, invalid: 0, errors: 1, message });
    throw e;
  }
  const byId = new Map(tickets.map((t) => [t.id, t]));

  const unchanged: number[] = [];
  const updates = [];
  let missing = 0;
  for (const row of withIds) {
    const ticket = byId.get(row.ticketId);
    if (!ticket) {
      missing += 1;
      updates.push(
        db.ticket.updateMany({
          where: { id: row.id, ticketId: row.ticketId },
          data: { statusCheckedAt: now, lastError: ticketNotReturned(client.psa) },
        }),
      );
      continue;
    }
    const url = row.url ?? (await client.ticketUrl(ticket.id).catch(() => null));
    const same =
      row.statusId === ticket.statusId &&
      row.statusLabel === ticket.statusLabel &&
      row.statusClosed === ticket.closed &&
      row.ticketNumber === ticket.number &&
      row.url === url &&
      row.lastError === null;
    if (same) {
      unchanged.push(row.id);
      continue;
    }
    updates.push(
      db.ticket.updateMany({
        // Guarded by the ticket id: a row is never given another ticket's status.
        where: { id: row.id, ticketId: row.ticketId },
        data: {
          statusId: ticket.statusId,
          statusLabel: ticket.statusLabel,
          statusClosed: ticket.closed,
          statusCheckedAt: now,
          ticketNumber: ticket.number,
          url,
          lastError: null,
        },
      }),
    );
  }
  // The usual case is "nothing changed": one statement for all of those.
  if (unchanged.length > 0) {
    await db.ticket.updateMany({ where: { id: { in: unchanged } }, data: { statusCheckedAt: now } });
  }
  if (updates.length > 0) await db.$transaction(updates);
  const changed = updates.length - missing;
  await finishSyncLog(db, log, {
    checked: withIds.length,
    renamed: 0,
    invalid: missing,
    errors: 0,
    message: changed > 0 ? `${changed} ticket status${changed === 1 ? '' : 'es'} changed` : null,
  });
  return { checked: withIds.length - missing, missing };
}
