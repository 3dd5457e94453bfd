import { AutotaskNotFoundError } from '../../../autotask/errors.ts';
import type { Ticket } from '../../../autotask/types.ts';
import { noSuchRecord } from '../../../errors/autotask-messages.ts';
import { failed, record, storeStatus, type FlowState, type ResolveResult } from './flow.ts';
import { COMPLETE_STATUS } from './rules.ts';

/**
 * Step 1: the ticket as it is in Autotask now, never as the snapshot says. Its status is recorded
 * whatever it is; a ticket that is complete already ends the resolve without a write.
 * Returns the result that ends the resolve, or null to go on.
 */
export async function readTicketLive(f: FlowState): Promise<ResolveResult | null> {
  let live: Ticket;
  try {
    live = await f.client.getTicket(f.ticket.ticketId);
  } catch (e) {
    return failed(f, 'read_failed', 'read ticket', readFailedMessage(f, e), e);
  }
  await storeStatus(f, live.status);
  if (live.status === COMPLETE_STATUS) return alreadyClosed(f);
  return null;
}

function readFailedMessage(f: FlowState, e: unknown): string {
  return e instanceof AutotaskNotFoundError
    ? `${noSuchRecord(`ticket ${f.label} (ID ${f.ticket.ticketId})`)} Nothing was changed.`
    : `Could not read ticket ${f.label} from Autotask. Nothing was changed.`;
}

/** Closed in Autotask (by us earlier, or by someone there): the status is recorded, nothing is written. */
async function alreadyClosed(f: FlowState): Promise<ResolveResult> {
  const ours = f.ticket.resolvedAt !== null;
  await record(
    f,
    'ticket.resolve_already_closed',
    `Ticket ${f.label} was already closed in Autotask; nothing was written`,
    {
      resolvedFromBackupchecks: ours,
    },
  );
  return {
    outcome: 'already_closed',
    level: 'info',
    message: ours
      ? `Ticket ${f.label} was already resolved from Backupchecks and is already closed in Autotask. Nothing was written.`
      : `Ticket ${f.label} is already closed in Autotask. Its status is recorded; nothing was written.`,
  };
}
