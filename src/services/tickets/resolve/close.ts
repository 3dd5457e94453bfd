import { isOutcomeUnknown } from '../../../psa/errors.ts';
import type { PsaTicket } from '../../../psa/port.ts';
import { writeWithThreadRetry, type CheckResult } from '../retry-write.ts';
import { CLOSED_WORDS } from '../ticket-psa.ts';
import { failed, record, storeStatus, type FlowState, type ResolveResult } from './flow.ts';
import { statusLabelOf } from './rules.ts';
import { refuseIfTimeEntryAdded } from './time-entries.ts';

/**
 * Steps 5 and 6: set the closing status (Autotask: Complete; ConnectWise: the one the settings
 * name), then read the ticket back. Only the read-back says the ticket is closed
 * (`PsaTicket.closed`), so a close whose answer was lost is settled there rather than sent again. A
 * close refused by the thread threshold is followed by the same read: already closed → adopted;
 * not → sent again after a wait (`../retry-write.ts`), with the time entries counted again first,
 * since the wait gives a technician time to book some.
 */
export async function closeAndConfirm(f: FlowState, noteId: number): Promise<ResolveResult> {
  const refused = await sendComplete(f, noteId);
  if (refused) return refused;
  return confirmComplete(f, noteId);
}

/** Step 5. Returns the result when the PSA refused the close, or null to read back. */
async function sendComplete(f: FlowState, noteId: number): Promise<ResolveResult | null> {
  const result = await writeWithThreadRetry<void, PsaTicket, ResolveResult>(
    {
      write: () => f.client.closeTicket(f.ticket.ticketId),
      check: () => lookForComplete(f),
      beforeResend: async () => {
        const refusal = await refuseIfTimeEntryAdded(f, noteId);
        return refusal ? { stop: refusal } : null;
      },
    },
    f.writeRetry,
  );
  switch (result.kind) {
    case 'written':
    case 'happened':
      return null;
    case 'stopped':
      return result.value;
    case 'unverified':
      // The read-back decides, as after an unknown outcome.
      return null;
    case 'exhausted':
      return closeRefused(f, result.error);
    case 'failed':
      // Unknown outcome: the read-back decides; if it cannot, the operator retries, and the retry's
      // first step reads the ticket before anything is written.
      return isOutcomeUnknown(result.error) ? null : closeRefused(f, result.error);
  }
}

/** "Did it happen?" after the thread threshold refused the close: the ticket's status. */
async function lookForComplete(f: FlowState): Promise<CheckResult<PsaTicket>> {
  const ticket = await f.client.getTicket(f.ticket.ticketId);
  return ticket.closed ? { happened: ticket } : { absent: true };
}

function closeRefused(f: FlowState, e: unknown): Promise<ResolveResult> {
  return failed(
    f,
    'close_failed',
    'close ticket',
    `The closing note was written to ticket ${f.label}, but closing the ticket failed. Try again: the ticket will be closed without a second note.`,
    e,
  );
}

/** Step 6: read back, record the status, and mark the ticket resolved only when it is closed. */
async function confirmComplete(f: FlowState, noteId: number): Promise<ResolveResult> {
  let after: PsaTicket;
  try {
    after = await f.client.getTicket(f.ticket.ticketId);
  } catch (e) {
    return failed(
      f,
      'close_unknown',
      'read back',
      `The closing note is on ticket ${f.label} and ${sentWhat(f)} was sent, but the ticket could not be read back to confirm it. Reload the run later or try again: nothing will be written twice.`,
      e,
    );
  }
  await storeStatus(f, after);
  if (!after.closed) return notComplete(f, noteId, after);
  return markResolved(f, noteId, after.statusId);
}

/** "Complete" (Autotask's closing status), "the closing status". */
const sentWhat = (f: FlowState) => (f.profile.psa === 'autotask' ? 'Complete' : 'the closing status');

async function notComplete(f: FlowState, noteId: number, after: PsaTicket): Promise<ResolveResult> {
  const shown = statusLabelOf(f.profile, after);
  const { statusId } = after;
  await record(f, 'ticket.resolve_failed', `Ticket ${f.label} is not complete after the close (status ${shown})`, {
    step: 'read back',
    statusId,
    noteId,
  });
  return {
    outcome: 'close_unknown',
    level: 'error',
    message: `The closing note is on ticket ${f.label}, but the ticket is not ${CLOSED_WORDS[f.profile.psa].state.toLowerCase()} in ${f.profile.name} (status ${shown}). Try again: no second note will be written.`,
  };
}

async function markResolved(f: FlowState, noteId: number, statusId: number | null): Promise<ResolveResult> {
  const resolvedAt = f.now();
  await f.db.ticket.update({ where: { id: f.ticket.id }, data: { resolvedAt, resolvedById: f.actor.id } });
  await record(f, 'ticket.resolved', `Resolved ticket ${f.label} with internal note ${noteId}`, {
    noteId,
    statusId,
  });
  return {
    outcome: 'resolved',
    level: 'success',
    message: `Ticket ${f.label} is resolved: the internal note was written and the ticket is ${CLOSED_WORDS[f.profile.psa].state} in ${f.profile.name}.`,
  };
}
