import type { TicketOrigin, TicketRecord } from '../../db/database.ts';
import type { PsaProfile } from '../../psa/port.ts';
import type { AddedNote, TicketCellData } from './cell-data.ts';
import { ticketName } from './correlate/candidate.ts';
import { isOfProfile } from './ticket-psa.ts';
import { decodeProblem, isSettleable, type Problem } from './run-ticket-claims.ts';

/**
 * The parts of a ticket cell that come from `cell-data.ts` rather than from the run's own ticket
 * row: who did what and when, the "run added" note of a run added to a recurring problem's ticket,
 * and the "Add to ticket" offer. Pure: the view model (view-model.ts) calls these per run.
 */

export interface Deed {
  /** The user's name; null for the system or a user who was removed. */
  readonly by: string | null;
  readonly at: Date;
}

/** "Created by … on …" (or "Linked by …"), "Added to this ticket by … on …", "Resolved by … on …". */
export interface TicketHistory {
  readonly origin: TicketOrigin;
  readonly opened: Deed;
  /** Set when this run is not the one the ticket was created or linked from. */
  readonly added: Deed | null;
  readonly resolved: Deed | null;
}

export interface HistoryRun {
  readonly id: number;
  readonly ticketLinkedAt: Date | null;
}

export function ticketHistory(run: HistoryRun, ticket: TicketRecord, cells: TicketCellData): TicketHistory {
  const people = cells.people.get(run.id);
  const addedToIt = ticket.originRunId !== run.id && run.ticketLinkedAt !== null;
  return {
    origin: ticket.origin,
    opened: { by: people?.createdBy ?? null, at: ticket.createdAt },
    added: addedToIt ? { by: people?.linkedBy ?? null, at: run.ticketLinkedAt } : null,
    resolved: ticket.resolvedAt ? { by: people?.resolvedBy ?? null, at: ticket.resolvedAt } : null,
  };
}

/**
 * The "run added" note when it is not (yet) on the ticket: being written, or not written with the
 * reason. `retry` offers "Try again", which sends only the note (with the same submission key, so
 * never a second one): after a failure, or when a pending attempt is old enough that its answer
 * was lost. Null when the note is written, or when the run has no such note (the ticket's own run,
 * or a run linked to it by number, for which nothing is written to the PSA).
 */
export type AddedNoteView =
  | { readonly state: 'pending'; readonly retry: boolean; readonly problem: Problem | null }
  | { readonly state: 'failed'; readonly retry: true; readonly problem: Problem | null };

export function addedNoteView(
  note: AddedNote | undefined,
  setup: { readonly now: Date; readonly timeoutMs: number },
): AddedNoteView | null {
  if (!note || note.state === 'created') return null;
  const problem = decodeProblem(note.lastError);
  if (note.state === 'failed') return { state: 'failed', retry: true, problem };
  return { state: 'pending', retry: isSettleable(note, setup.now, setup.timeoutMs), problem };
}

/**
 * "Add to ticket T…" for a run without a ticket whose job has an open one in the active PSA (a
 * ticket of the PSA active before a switch gets no note, so no run is added to it).
 */
export interface AddToOffer {
  /** Backupchecks' ticket record id: what the form sends. */
  readonly recordId: number;
  /** The ticket number, or "ID n" until the number is known: the button reads "Add to ticket ID n". */
  readonly name: string;
}

export function addToOffer(jobId: number, cells: TicketCellData, profile: Pick<PsaProfile, 'psa'>): AddToOffer | null {
  const open = cells.openTickets.get(jobId);
  return open && isOfProfile(open, profile) ? { recordId: open.id, name: ticketName(open) } : null;
}
