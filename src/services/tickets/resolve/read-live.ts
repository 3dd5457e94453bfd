import { noSuchRecord } from '../../../errors/psa-messages.ts';
import { PsaError } from '../../../psa/errors.ts';
import type { PsaTicket } from '../../../psa/port.ts';
import { failed, record, storeStatus, type FlowState, type ResolveResult } from './flow.ts';

/**
 * Step 1: the ticket as it is in the PSA now, never as the snapshot says. Its status is recorded
 * whatever it is; a ticket that is closed already ends the resolve without a write.
 * Returns the result that ends the resolve, or null to go on.
 */
export async function readTicketLive(f: FlowState): Promise<ResolveResult | null> {
  let live: PsaTicket;
  try {
    live = await f.client.getTicket(f.ticket.ticketId);
  } catch (e) {
    return failed(f, 'read_failed', 'read ticket', readFailedMessage(f, e), e);
  }
  await storeStatus(f, live);
  if (live.closed) return alreadyClosed(f);
  return null;
}

function readFailedMessage(f: FlowState, e: unknown): string {
  return e instanceof PsaError && e.kind === 'not_found'
    ? `${noSuchRecord(f.profile.psa, `ticket ${f.label} (ID ${f.ticket.ticketId})`)} Nothing was changed.`
    : `Could not read ticket ${f.label} from ${f.profile.name}. Nothing was changed.`;
}

/** Closed in the PSA (by us earlier, or by someone there): the status is recorded, nothing is written. */
async function alreadyClosed(f: FlowState): Promise<ResolveResult> {
  const ours = f.ticket.resolvedAt !== null;
  const psa = f.profile.name;
  await record(
    f,
    'ticket.resolve_already_closed',
    `Ticket ${f.label} was already closed in ${psa}; nothing was written`,
    {
      resolvedFromBackupchecks: ours,
    },
  );
  return {
    outcome: 'already_closed',
    level: 'info',
    message: ours
      ? `Ticket ${f.label} was already resolved from Backupchecks and is already closed in ${psa}. Nothing was written.`
      : `Ticket ${f.label} is already closed in ${psa}. Its status is recorded; nothing was written.`,
  };
}
