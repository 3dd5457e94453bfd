import type { Db } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';

/**
 * The way back from Autotask (Autotask's LiveLinks): stable addresses an Autotask admin can put
 * into a LiveLink so that a ticket opens the run it was created for. They only redirect; the run
 * page itself checks who may see what. LiveLinks are Autotask's own, so only Autotask tickets are
 * looked up, whichever PSA is active now.
 */

/** The URL patterns, for the Settings export and the LiveLinks Designer (variables in angle brackets). */
export function liveLinkPatterns(baseUrl: string | null | undefined): { byTicketId: string; byTicketNumber: string } {
  const base = (baseUrl ?? '').trim().replace(/\/+$/, '');
  return {
    byTicketId: `${base}${paths.liveLinks.byTicketId('<Autotask ticket ID>')}`,
    byTicketNumber: `${base}${paths.liveLinks.byTicketNumber('<Autotask ticket number>')}`,
  };
}

const unknownTicket = (what: string) =>
  new NotFoundError(
    `No run in Backupchecks has Autotask ticket ${what}. The ticket may have been created in Autotask itself, or for a run that was removed.`,
  );

/** The run that owns the Autotask ticket with this id. */
export async function runIdForTicketId(db: Db, ticketId: number): Promise<number> {
  const row = await db.ticket.findUnique({
    where: { psaType_ticketId: { psaType: 'autotask', ticketId } },
    select: { originRunId: true },
  });
  if (!row) throw unknownTicket(`ID ${ticketId}`);
  return row.originRunId;
}

/** The run that owns the Autotask ticket with this number (e.g. T20260113.0042), any letter case. */
export async function runIdForTicketNumber(db: Db, ticketNumber: string): Promise<number> {
  const row = await db.ticket.findFirst({
    where: { psaType: 'autotask', ticketNumber: { equals: ticketNumber.trim(), mode: 'insensitive' } },
    select: { originRunId: true },
    orderBy: { id: 'asc' },
  });
  if (!row) throw unknownTicket(ticketNumber.trim());
  return row.originRunId;
}
