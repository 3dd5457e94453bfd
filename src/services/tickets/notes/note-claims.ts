import { Prisma, type Db, type NoteVisibility, type TicketNote } from '../../../db/database.ts';
import { encodeProblem, type Problem } from '../run-ticket-claims.ts';

/**
 * The TicketNote row's state machine, in the database, in the style of ../run-ticket-claims.ts:
 * every transition is one conditional UPDATE on (id, state, attemptStartedAt), so whoever changes
 * the row first wins and everyone else sees zero rows changed. The unique reference on insert is
 * what lets exactly one of many submits of one form write the row and send the POST.
 *
 *   (none) ──insert──▶ pending ──note id stored──▶ created
 *                        │  ▲  ╰─ old enough, and the ticket's notes do not hold it: sent again
 *        refused         │  │ a submit of the same form
 *                        ▼  │
 *                        failed
 *
 * A pending row whose outcome is unknown stays pending until a look at the ticket's notes settles it.
 */

/** What is sent: the same for every attempt of the row unless a resubmit brings new text. */
export interface NoteContent {
  readonly title: string;
  readonly text: string;
  readonly visibility: NoteVisibility;
  readonly noteTypeId: number;
}

type Attempt = Pick<TicketNote, 'id' | 'attemptStartedAt'>;

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

export function findNoteRow(db: Db, reference: string): Promise<TicketNote | null> {
  return db.ticketNote.findUnique({ where: { reference } });
}

export interface NewNoteRow {
  readonly ticketRecordId: number;
  readonly reference: string;
  readonly runId: number | null;
  readonly content: NoteContent;
  readonly createdById: number | null;
  readonly now: Date;
}

/** Inserts the pending row before anything is sent. Null: another submit of the form inserted it first. */
export async function claimNewNote(db: Db, row: NewNoteRow): Promise<TicketNote | null> {
  try {
    return await db.ticketNote.create({
      data: {
        ticketRecordId: row.ticketRecordId,
        reference: row.reference,
        runId: row.runId,
        ...row.content,
        state: 'pending',
        attemptStartedAt: row.now,
        createdById: row.createdById,
      },
    });
  } catch (e) {
    if (isUniqueViolation(e)) return null;
    throw e;
  }
}

/**
 * A new attempt on an existing row: failed → pending (the PSA holds no note from it), or an old
 * pending row whose note the ticket's notes showed absent → pending with a new start. The text is
 * the one just submitted: nothing of the row is in the PSA, so it may change. Null: someone else
 * took the row first.
 */
export async function claimAgain(
  db: Db,
  row: Attempt & Pick<TicketNote, 'state'>,
  content: NoteContent,
  createdById: number | null,
  now: Date,
): Promise<TicketNote | null> {
  const [claimed] = await db.ticketNote.updateManyAndReturn({
    where: { id: row.id, state: row.state, attemptStartedAt: row.attemptStartedAt },
    data: { ...content, state: 'pending', attemptStartedAt: now, lastError: null, createdById },
  });
  return claimed ?? null;
}

/**
 * pending → pending with a new start, before the POST is sent again after a thread-threshold
 * refusal that the notes showed wrote nothing. Null when the row was settled by someone else.
 */
export async function renewNoteAttempt(db: Db, row: Attempt, now: Date): Promise<TicketNote | null> {
  const [renewed] = await db.ticketNote.updateManyAndReturn({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { attemptStartedAt: now },
  });
  return renewed ?? null;
}

/** pending → created with the PSA's note id: the row as stored. Null when someone else settled it meanwhile. */
export async function markNoteCreated(db: Db, row: Attempt, autotaskNoteId: number): Promise<TicketNote | null> {
  const [marked] = await db.ticketNote.updateManyAndReturn({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { state: 'created', autotaskNoteId, lastError: null },
  });
  return marked ?? null;
}

/** pending → failed: the PSA definitely holds no note from this attempt. Null when settled meanwhile. */
export async function markNoteFailed(db: Db, row: Attempt, problem: Problem): Promise<TicketNote | null> {
  const [marked] = await db.ticketNote.updateManyAndReturn({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { state: 'failed', lastError: encodeProblem(problem) },
  });
  return marked ?? null;
}

/** Stays pending (the note may exist); only the message shown with it changes. */
export async function noteStillPending(db: Db, row: Attempt, problem: Problem): Promise<void> {
  await db.ticketNote.updateMany({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { lastError: encodeProblem(problem) },
  });
}
