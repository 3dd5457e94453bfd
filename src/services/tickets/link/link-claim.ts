import { randomBytes } from 'node:crypto';
import type { Db, TicketRecord } from '../../../db/database.ts';
import type { PsaTicket, PsaType } from '../../../psa/port.ts';
import type { Actor } from '../../accounts/audit.ts';
import { insertTicketForRun } from '../run-ticket-claims.ts';

/**
 * The record of a ticket opened in the PSA by hand, inserted together with the run's link in one
 * transaction. The database picks one winner: `originRunId` is unique (one ticket per origin run),
 * (`psaType`, `ticketId`) is unique (one record per PSA ticket), and the run is linked only while
 * it has no ticket. Whoever loses gets null and reads what won.
 */

/** `BC-LINK-<run id>-<random>`: the record's unique reference. Never written to the PSA. */
export function linkReference(runId: number): string {
  return `BC-LINK-${runId}-${randomBytes(4).toString('hex')}`;
}

export interface LinkedFields {
  /** The active PSA, which the ticket was read from. */
  readonly psa: PsaType;
  readonly ticket: PsaTicket;
  readonly url: string | null;
}

export function insertLinkedTicket(
  db: Db,
  run: { readonly id: number; readonly jobId: number },
  fields: LinkedFields,
  actor: Actor,
  now: Date,
): Promise<TicketRecord | null> {
  const record = {
    origin: 'linked' as const,
    state: 'created' as const,
    psaType: fields.psa,
    reference: linkReference(run.id),
    attemptStartedAt: now,
    ticketId: fields.ticket.id,
    ticketNumber: fields.ticket.number,
    url: fields.url,
    statusId: fields.ticket.statusId,
    statusLabel: fields.ticket.statusLabel,
    statusClosed: fields.ticket.closed,
    statusCheckedAt: now,
    // "Linked by … on …": the record starts when it is linked, not when the PSA opened the ticket.
    createdById: actor.id,
    createdAt: now,
  };
  return insertTicketForRun(db, run, record, actor.id, now);
}
