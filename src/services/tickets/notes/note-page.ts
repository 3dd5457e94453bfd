import type { Db, NoteState, NoteVisibility, RunStatus, TicketRecord } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import type { PsaProfile } from '../../../psa/port.ts';
import type { Blocker } from '../../integration/settings.ts';
import { decodeProblem, findRunTicket, type Problem } from '../run-ticket-claims.ts';
import { isOfProfile, otherPsaSentence, psaNameOfTicket, psaOfTicket } from '../ticket-psa.ts';
import type { SentTicket } from './context.ts';
import { VISIBILITIES, visibilityLabel } from './note-rules.ts';
import { noNoteTypeSentence } from './write-note.ts';

/** What the "Add note" page of a run and the notes list on the run page read from the database. */

export interface NoteFormPage {
  readonly run: {
    readonly id: number;
    readonly status: RunStatus;
    readonly runAt: Date;
    readonly customerName: string;
    readonly jobName: string;
  };
  readonly ticket: SentTicket;
  /** The PSA's name: "Autotask ticket T…". */
  readonly psaName: string;
  /** The visibilities the PSA offers, as the form names them. */
  readonly visibilityLabels: Readonly<Partial<Record<NoteVisibility, string>>>;
  /** Why nothing can be written right now (integration off, no note type); the form is not offered. */
  readonly blocker: Blocker | null;
}

export const RUN_NOT_FOUND = 'This run does not exist. The link may be wrong.';
const noTicket = (psa: string) => `This run has no ${psa} ticket, so there is nothing to add a note to.`;
const notCreated = (psa: string) =>
  `The ${psa} ticket of this run has not been created (yet), so no note can be added.`;

/**
 * The run and its created ticket of the active PSA; NotFoundError / RuleError when there is nothing
 * to write to (a ticket of a PSA that is no longer active included).
 */
export async function loadNoteFormPage(db: Db, profile: PsaProfile, runId: number): Promise<NoteFormPage> {
  const page = await findNoteFormPage(db, profile, runId);
  if ('missing' in page) throw page.missing;
  return page;
}

/** As `loadNoteFormPage`, with the reason as a value: for a failure view that must not throw. */
export async function findNoteFormPage(
  db: Db,
  profile: PsaProfile,
  runId: number,
): Promise<NoteFormPage | { missing: Error }> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      status: true,
      runAt: true,
      job: { select: { name: true, customer: { select: { name: true } } } },
    },
  });
  if (!run) return { missing: new NotFoundError(RUN_NOT_FOUND) };
  const ticket = await findRunTicket(db, runId);
  if (!ticket) return { missing: new RuleError(noTicket(profile.name)) };
  if (!isOfProfile(ticket, profile)) return { missing: new RuleError(otherPsaSentence(ticket)) };
  if (ticket.state !== 'created' || ticket.ticketId === null) {
    return { missing: new RuleError(notCreated(psaNameOfTicket(ticket))) };
  }
  return {
    run: {
      id: run.id,
      status: run.status,
      runAt: run.runAt,
      customerName: run.job.customer.name,
      jobName: run.job.name,
    },
    ticket: ticket as SentTicket,
    psaName: profile.name,
    visibilityLabels: VISIBILITIES[profile.psa],
    blocker: noteBlocker(profile),
  };
}

function noteBlocker(profile: PsaProfile): Blocker | null {
  const blocked = profile.blocker;
  if (blocked) return { ...blocked, message: `No note can be added. ${blocked.message}` };
  const noNote = noNoteTypeSentence(profile);
  if (noNote !== null) return { message: noNote, fixUrl: profile.settingsUrl, fixLabel: `${profile.name} settings` };
  return null;
}

/** One note Backupchecks wrote (or tried to write) to a ticket, as the run page lists it. */
export interface ListedNote {
  readonly id: number;
  /** The ticket's PSA: "Not confirmed by Autotask". */
  readonly psaName: string;
  readonly text: string;
  readonly visibility: NoteVisibility;
  /** "Internal (Autotask staff only)" or "All Autotask users", as the form of the ticket's PSA names them. */
  readonly visibilityLabel: string;
  readonly state: NoteState;
  readonly createdAt: Date;
  /** The user who wrote it; null when the account is gone or the system wrote it. */
  readonly author: string | null;
  readonly autotaskNoteId: number | null;
  /** Why a pending or failed note is not (known to be) on the ticket; the PSA's words in `detail`. */
  readonly problem: Problem | null;
}

/** The notes written from Backupchecks to one ticket, oldest first (the newest is read last). */
export async function listNotesOfTicket(db: Db, ticket: Pick<TicketRecord, 'id' | 'psaType'>): Promise<ListedNote[]> {
  const psa = psaOfTicket(ticket);
  const psaName = psaNameOfTicket(ticket);
  const rows = await db.ticketNote.findMany({
    where: { ticketRecordId: ticket.id },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { createdBy: { select: { name: true } } },
  });
  return rows.map((n) => ({
    id: n.id,
    psaName,
    text: n.text,
    visibility: n.visibility,
    visibilityLabel: visibilityLabel(psa, n.visibility),
    state: n.state,
    createdAt: n.createdAt,
    author: n.createdBy?.name ?? null,
    autotaskNoteId: n.autotaskNoteId,
    problem: n.state === 'created' ? null : decodeProblem(n.lastError),
  }));
}
