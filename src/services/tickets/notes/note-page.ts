import type { Db, IntegrationSettings, NoteState, NoteVisibility, RunStatus } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { paths } from '../../../paths.ts';
import { integrationBlocker, type Blocker } from '../../integration/settings.ts';
import { decodeProblem, findRunTicket, type Problem } from '../run-ticket-claims.ts';
import type { SentTicket } from './context.ts';
import { VISIBILITY_LABELS } from './note-rules.ts';
import { NO_NOTE_TYPE } from './write-note.ts';

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
  /** Why nothing can be written right now (integration off, no note type); the form is not offered. */
  readonly blocker: Blocker | null;
}

export const RUN_NOT_FOUND = 'This run does not exist. The link may be wrong.';
const NO_TICKET = 'This run has no Autotask ticket, so there is nothing to add a note to.';
const NOT_CREATED = 'The Autotask ticket of this run has not been created (yet), so no note can be added.';

/** The run and its created ticket; NotFoundError / RuleError when there is nothing to write to. */
export async function loadNoteFormPage(db: Db, settings: IntegrationSettings, runId: number): Promise<NoteFormPage> {
  const page = await findNoteFormPage(db, settings, runId);
  if ('missing' in page) throw page.missing;
  return page;
}

/** As `loadNoteFormPage`, with the reason as a value: for a failure view that must not throw. */
export async function findNoteFormPage(
  db: Db,
  settings: IntegrationSettings,
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
  if (!ticket) return { missing: new RuleError(NO_TICKET) };
  if (ticket.state !== 'created' || ticket.ticketId === null) return { missing: new RuleError(NOT_CREATED) };
  return {
    run: {
      id: run.id,
      status: run.status,
      runAt: run.runAt,
      customerName: run.job.customer.name,
      jobName: run.job.name,
    },
    ticket: ticket as SentTicket,
    blocker: noteBlocker(settings),
  };
}

function noteBlocker(settings: IntegrationSettings): Blocker | null {
  const blocked = integrationBlocker(settings);
  if (blocked) return { ...blocked, message: `No note can be added. ${blocked.message}` };
  if (settings.noteTypeId === null) {
    return { message: NO_NOTE_TYPE, fixUrl: paths.settings.autotask, fixLabel: 'Autotask settings' };
  }
  return null;
}

/** One note Backupchecks wrote (or tried to write) to a ticket, as the run page lists it. */
export interface ListedNote {
  readonly id: number;
  readonly text: string;
  readonly visibility: NoteVisibility;
  /** "Internal (Autotask staff only)" or "All Autotask users", as the form names them. */
  readonly visibilityLabel: string;
  readonly state: NoteState;
  readonly createdAt: Date;
  /** The user who wrote it; null when the account is gone or the system wrote it. */
  readonly author: string | null;
  readonly autotaskNoteId: number | null;
  /** Why a pending or failed note is not (known to be) on the ticket; Autotask's words in `detail`. */
  readonly problem: Problem | null;
}

/** The notes written from Backupchecks to one ticket, oldest first (the newest is read last). */
export async function listNotesOfTicket(db: Db, ticketRecordId: number): Promise<ListedNote[]> {
  const rows = await db.ticketNote.findMany({
    where: { ticketRecordId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { createdBy: { select: { name: true } } },
  });
  return rows.map((n) => ({
    id: n.id,
    text: n.text,
    visibility: n.visibility,
    visibilityLabel: VISIBILITY_LABELS[n.visibility],
    state: n.state,
    createdAt: n.createdAt,
    author: n.createdBy?.name ?? null,
    autotaskNoteId: n.autotaskNoteId,
    problem: n.state === 'created' ? null : decodeProblem(n.lastError),
  }));
}
