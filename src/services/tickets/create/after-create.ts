import type { Db, TicketRecord } from '../../../db/database.ts';
import type { PsaClient } from '../../../psa/port.ts';
import { refreshCustomerMapping } from '../../mapping/company-sync.ts';
import type { RunContext } from '../../runs/run-context.ts';
import { whileInFlight } from '../upkeep.ts';

/**
 * What a ticket created by a click still needs once the click's answer has been sent, so that the
 * click waits for one PSA request only (the create):
 *  - its number and status, read back by id when the create's answer did not carry them
 *    (Autotask answers with the id only); until they are stored the run links to the ticket by its
 *    id ("ticket ID 7101");
 *  - the current name and status of the customer's company (`refreshCustomerMapping`), the sync
 *    that used to precede every create.
 * Reads only. A failed read changes nothing here: the next view of a page that shows the ticket
 * reads its number (`upkeep.ts`: a created ticket without a number is due), and the company is
 * synced again by the next refresh.
 */

export interface AfterCreateDeps {
  readonly db: Db;
  /** The active PSA's client, the one the ticket was created with. */
  readonly client: PsaClient;
}

export async function completeCreatedTicket(
  deps: AfterCreateDeps,
  row: TicketRecord,
  run: Pick<RunContext, 'job'>,
): Promise<void> {
  const results = await Promise.allSettled([
    // Marked in flight: the page the click leads to must not read the same ticket meanwhile.
    whileInFlight([row.id], () => readBack(deps, row)),
    refreshCustomerMapping(deps, run.job.customer.id, 'ticket'),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Number and status from the PSA, stored unless a status refresh came first. */
async function readBack(deps: AfterCreateDeps, row: TicketRecord): Promise<void> {
  // Stored from the create's answer already (ConnectWise), or no ticket at all.
  if (row.ticketId === null || row.statusCheckedAt !== null) return;
  const ticket = await deps.client.getTicket(row.ticketId);
  await deps.db.ticket.updateMany({
    // statusCheckedAt is null until the first read: a refresh that came first has the newer status.
    where: { id: row.id, state: 'created', ticketId: ticket.id, statusCheckedAt: null },
    data: {
      ticketNumber: ticket.number,
      statusId: ticket.statusId,
      statusLabel: ticket.statusLabel,
      statusClosed: ticket.closed,
      statusCheckedAt: new Date(),
    },
  });
}
