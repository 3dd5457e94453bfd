import type { TicketRecord } from '../../../db/database.ts';

/**
 * Which ticket a run may be added to ("Add to ticket"): the most recent ticket of the run's own job
 * that exists in the PSA and is not closed (`statusClosed`), as far as Backupchecks knows (a status
 * not read yet counts as open). Only a ticket of the active PSA is offered and accepted
 * (`../cell-extras.ts`, `add-to-ticket.ts`). The same rule decides what a page offers (`../cell-data.ts`, in SQL) and what a
 * POST accepts (`add-to-ticket.ts`, on the row and again on the ticket read live): keep the two alike.
 */

export type OpenTicket = Pick<TicketRecord, 'id' | 'jobId' | 'ticketId' | 'ticketNumber' | 'psaType'>;

/** The rule on a row already loaded. */
export function isOpenTicket(
  t: Pick<TicketRecord, 'state' | 'ticketId' | 'resolvedAt' | 'statusClosed'>,
): t is typeof t & { ticketId: number } {
  return t.state === 'created' && t.ticketId !== null && t.resolvedAt === null && !t.statusClosed;
}

/**
 * How the ticket is named after the word "ticket" on buttons and in messages ("Add to ticket
 * T20260113.0042", "Autotask ticket ID 7101"): its number, or its id until the number is known.
 */
export const ticketName = (t: Pick<TicketRecord, 'ticketNumber' | 'ticketId'>): string =>
  t.ticketNumber ?? `ID ${t.ticketId ?? '?'}`;
