import { countTimeEntriesLive } from '../time-entry-gate.ts';
import { failed, record, type FlowState, type ResolveResult } from './flow.ts';
import { timeEntriesMessage } from './messages.ts';

/**
 * The time-entry gate inside the resolve: a ticket with any time entry (billable or not) is never
 * resolved from Backupchecks. Counted live each time (the cached count only decides what pages show), once
 * before anything is written and once more between the note and the close.
 * Each returns the result that ends the resolve, or null to go on.
 */

/** Step 2: any time entry refuses the resolve before anything is written. */
export async function refuseIfTimeEntries(f: FlowState): Promise<ResolveResult | null> {
  let count: number;
  try {
    count = await countTimeEntriesLive(f.db, f.client, f.ticket, f.now);
  } catch (e) {
    return failed(
      f,
      'count_failed',
      'count time entries',
      `Could not check time entries in ${f.profile.name}, so nothing was written.`,
      e,
    );
  }
  if (count > 0) {
    await record(f, 'ticket.resolve_refused', `Resolve of ticket ${f.label} refused: ${count} time entries`, {
      reason: 'time_entries',
      timeEntries: count,
    });
    return { outcome: 'refused_time_entries', level: 'warning', message: timeEntriesMessage(count, f.profile.name) };
  }
  return null;
}

/** Step 4: someone may have booked time while the note was written; then the ticket is not closed. */
export async function refuseIfTimeEntryAdded(f: FlowState, noteId: number): Promise<ResolveResult | null> {
  let count: number;
  try {
    count = await countTimeEntriesLive(f.db, f.client, f.ticket, f.now);
  } catch (e) {
    return failed(
      f,
      'count_failed',
      'count time entries again',
      `The closing note is on ticket ${f.label}, but time entries could not be checked again, so the ticket was not closed. Try again: no second note will be written.`,
      e,
    );
  }
  if (count > 0) {
    await record(f, 'ticket.resolve_refused', `Ticket ${f.label} not closed: a time entry appeared after the note`, {
      reason: 'time_entry_added',
      timeEntries: count,
      noteId,
    });
    return {
      outcome: 'refused_time_entry_added',
      level: 'warning',
      message: `A time entry was added in ${f.profile.name} after the note was written; the ticket was not closed.`,
    };
  }
  return null;
}
