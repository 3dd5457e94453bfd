import type { AutotaskClient } from '../../../autotask/client.ts';
import type { Db, TicketRecord } from '../../../db/database.ts';
import { refreshCustomerMapping } from '../../mapping/company-sync.ts';
import type { RunContext } from '../../runs/run-context.ts';
import { statusLabelFrom } from '../status-snapshots.ts';
import { whileInFlight } from '../upkeep.ts';

/**
 * What a ticket created by a click still needs once the click's answer has been sent, so that the
 * click waits for one Autotask request only (the create):
 *  - its number and status, read back by id; until they are stored the run links to the ticket
 *    by its id ("ticket ID 7101");
 *  - the current name and status of the customer's company (`refreshCustomerMapping`), the sync
 *    that used to precede every create.
 * Reads only. A failed read changes nothing here: the next view of a page that shows the ticket
 * reads its number (`upkeep.ts`: a created ticket without a number is due), and the company is
 * synced again by the next refresh.
 */

export interface AfterCreateDeps {
  readonly db: Db;
  readonly client: AutotaskClient;
  /** The cached picklists, for the status label. */
  readonly picklists: unknown;
}

export async function completeCreatedTicket(
  deps: AfterCreateDeps,
  row: TicketRecord,
  run: Pick<RunContext, 'job'>,
): Promise<void> {
  const results = await Promise.allSettled([
    // Marked in flight: the page the click leads to must not read the same ticket meanwhile.
    whileInFlight([row.id], () => readBack(deps, row)),
    refreshCustomerMapping({ db: deps.db, client: deps.client }, run.job.customer.id, 'ticket'),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Number, status and creation time from Autotask, stored unless a status refresh came first. */
async function readBack(deps: AfterCreateDeps, row: TicketRecord): Promise<void> {
  if (row.ticketId === null) return;
  const ticket = await deps.client.getTicket(row.ticketId);
  await deps.db.ticket.updateMany({
    // statusCheckedAt is null until the first read: a refresh that came first has the newer status.
    where: { id: row.id, state: 'created', ticketId: ticket.id, statusCheckedAt: null },
    data: {
      ticketNumber: ticket.ticketNumber,
      statusId: ticket.status,
      statusLabel: statusLabelFrom(deps.picklists, ticket.status),
      statusCheckedAt: new Date(),
      ...(ticket.createDate ? { createdAt: ticket.createDate } : {}),
    },
  });
}
