import { randomBytes } from 'node:crypto';
import type { Ticket } from '../../../autotask/client.ts';
import type { Db, TicketRecord } from '../../../db/database.ts';
import type { Actor } from '../../accounts/audit.ts';
import { insertTicketForRun } from '../run-ticket-claims.ts';

/**
 * The record of a ticket opened in Autotask by hand, inserted together with the run's link in one
 * transaction. The database picks one winner: `originRunId` is unique (one ticket per origin run),
 * `ticketId` is unique (one record per Autotask ticket), and the run is linked only while it has
 * no ticket. Whoever loses gets null and reads what won.
 */

/** `BC-LINK-<run id>-<random>`: the record's unique reference. Never written to Autotask. */
export function linkReference(runId: number): string {
  return `BC-LINK-${runId}-${randomBytes(4).toString('hex')}`;
}

export interface LinkedFields {
  readonly ticket: Ticket;
  readonly url: string | null;
  readonly statusLabel: string | null;
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
    reference: linkReference(run.id),
    attemptStartedAt: now,
    ticketId: fields.ticket.id,
    ticketNumber: fields.ticket.ticketNumber,
    url: fields.url,
    statusId: fields.ticket.status,
    statusLabel: fields.statusLabel,
    statusCheckedAt: now,
    // "Linked by … on …": the record starts when it is linked, not when Autotask opened the ticket.
    createdById: actor.id,
    createdAt: now,
  };
  return insertTicketForRun(db, run, record, actor.id, now);
}
