import type { Db, TicketRecord } from '../../db/database.ts';
import type { Actor } from '../accounts/audit.ts';

/**
 * Pointing a run at a ticket that exists already ("Add to ticket", "Link ticket"). The conditional
 * update is the claim: only a run without a ticket is linked, so of several simultaneous clicks
 * exactly one changes the row and a run never gets two tickets.
 */
export async function claimRunLink(
  db: Db,
  runId: number,
  ticketRecordId: number,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const { count } = await db.run.updateMany({
    where: { id: runId, ticketRecordId: null },
    data: { ticketRecordId, ticketLinkedAt: now, ticketLinkedById: actor.id },
  });
  return count === 1;
}

/** The ticket a run points at now (after a lost claim: whoever won). */
export function ticketOfRun(db: Db, runId: number): Promise<TicketRecord | null> {
  return db.ticket.findFirst({ where: { runs: { some: { id: runId } } } });
}
