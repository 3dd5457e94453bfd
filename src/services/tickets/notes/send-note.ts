import type { Db, TicketNote } from '../../../db/database.ts';
import { explainNoteRefusal, noteNotAdded, noteUnconfirmed } from '../../../errors/psa-messages.ts';
import type { AutotaskProfile } from '../../../psa/autotask/profile.ts';
import { isOutcomeUnknown, PsaError, toPsaError, translated } from '../../../psa/errors.ts';
import type { PsaType } from '../../../psa/port.ts';
import { audit } from '../../accounts/audit.ts';
import { writeWithThreadRetry, type CheckResult } from '../retry-write.ts';
import { decodeProblem, type Problem } from '../run-ticket-claims.ts';
import { findNoteRow, markNoteCreated, markNoteFailed, noteStillPending, renewNoteAttempt } from './note-claims.ts';
import { findNoteByReference, PUBLISH } from './note-rules.ts';
import type { NoteAttempt, NoteOutcome } from './context.ts';

/**
 * The POST of a claimed note and what its answer means for the row: an id → created; a definite
 * refusal → failed with the PSA's words; no usable answer → the ticket's notes are read for the
 * reference at once (found → created), else the row stays pending until a later submit settles it.
 * Refused by the thread threshold → the notes are read, and the note is sent again only when it is
 * not there (`../retry-write.ts`, as the closing note does).
 */

export async function sendNote(ctx: NoteAttempt, row: TicketNote): Promise<NoteOutcome> {
  const { db } = ctx.deps;
  // The attempt as it stands in the row; a resend renews its start.
  let attempt = row;
  const result = await writeWithThreadRetry<number, number, NoteOutcome>(
    {
      write: () => postNote(ctx, row),
      check: () => lookFor(ctx, row.reference),
      beforeResend: async () => {
        const renewed = await renewNoteAttempt(db, attempt, ctx.clock());
        if (!renewed) return { stop: await currentOutcome(db, row.reference, ctx.deps.profile.psa) };
        attempt = renewed;
        return null;
      },
    },
    ctx.deps.writeRetry,
  );
  switch (result.kind) {
    case 'written':
    case 'happened':
      return recordWritten(ctx, attempt, result.value, 'written', result.retries);
    case 'stopped':
      return result.value;
    case 'unverified': {
      const e = asPsaError(result.error);
      const problem = { message: noteUnconfirmed(e), detail: e.detail };
      await noteStillPending(db, attempt, problem);
      return leftPending(ctx, attempt, problem);
    }
    case 'exhausted':
      return refused(ctx, attempt, asPsaError(result.error));
    case 'failed': {
      const e = result.error;
      if (isOutcomeUnknown(e)) return afterUnknown(ctx, attempt, e);
      if (e instanceof PsaError) return refused(ctx, attempt, e);
      // Our own bug: the row stays pending and the next submit looks for the note first.
      throw e;
    }
  }
}

/**
 * One POST of the row's note. An internal note goes through the port; "All Autotask users" is
 * Autotask's alone (`note-rules.ts`, VISIBILITIES), sent with its `publish` by Autotask's client.
 */
function postNote(ctx: NoteAttempt, row: TicketNote): Promise<number> {
  const { ticketId } = ctx.ticket;
  if (row.visibility === 'internal') return ctx.client.addInternalNote(ticketId, { title: row.title, text: row.text });
  const { profile } = ctx.deps;
  if (profile.psa !== 'autotask') throw new Error(`${profile.psa} notes are internal only`);
  const client = (profile as AutotaskProfile).autotaskClient();
  return translated(() =>
    client.addTicketNote(ticketId, {
      title: row.title,
      description: row.text,
      noteType: row.noteTypeId,
      publish: PUBLISH[row.visibility],
    }),
  );
}

/** The thread limit's refusal as the port names it (the retry may hand back the client's error). */
const asPsaError = (e: unknown): PsaError => toPsaError(e) as PsaError;

/** "Was it written?": the reference in the title of one of the ticket's notes. */
async function lookFor(ctx: NoteAttempt, reference: string): Promise<CheckResult<number>> {
  const found = findNoteByReference(await ctx.client.listTicketNotes(ctx.ticket.ticketId), reference);
  return found ? { happened: found.id } : { absent: true };
}

/** An earlier attempt's note, found on the ticket: stored, never written again. */
export function adoptNote(ctx: NoteAttempt, row: TicketNote, autotaskNoteId: number): Promise<NoteOutcome> {
  return recordWritten(ctx, row, autotaskNoteId, 'already', 0);
}

async function recordWritten(
  ctx: NoteAttempt,
  row: TicketNote,
  autotaskNoteId: number,
  kind: 'written' | 'already',
  /** Sends refused by the thread threshold before this one. */
  resends: number,
): Promise<NoteOutcome> {
  const { db } = ctx.deps;
  const stored = await markNoteCreated(db, row, autotaskNoteId);
  // Not marked: settled meanwhile, which can only be a look at the notes that found this very note.
  if (!stored) return currentOutcome(db, row.reference, ctx.deps.profile.psa);
  await audit(db, ctx.actor, {
    action: 'ticket.note_added',
    summary: `Added ${row.visibility === 'internal' ? 'an internal' : 'a'} note to ${ctx.deps.profile.name} ticket ${ctx.label}${kind === 'already' ? ' (found on the ticket after an earlier attempt)' : ''}`,
    ...auditTarget(ctx),
    details: {
      ...auditFacts(ctx, row),
      noteId: autotaskNoteId,
      ...(resends > 0 ? { threadThresholdResends: resends } : {}),
    },
  });
  return { kind, note: stored };
}

/**
 * The POST may or may not have written the note. Nothing is sent again: one look at the ticket's
 * notes right away settles the common case (the answer was lost after the PSA wrote it); otherwise
 * the row stays pending, and only a submit after the settle time looks again and may send it.
 */
async function afterUnknown(ctx: NoteAttempt, row: TicketNote, e: PsaError): Promise<NoteOutcome> {
  const problem: Problem = { message: noteUnconfirmed(e), detail: e.detail };
  // Noted before the look, so a process that dies now leaves a row that says why it is pending.
  await noteStillPending(ctx.deps.db, row, problem);
  let found: number | null = null;
  try {
    const checked = await lookFor(ctx, row.reference);
    found = 'happened' in checked ? checked.happened : null;
  } catch {
    // Unreadable now: the row stays pending with the problem above.
  }
  if (found !== null) return recordWritten(ctx, row, found, 'written', 0);
  return leftPending(ctx, row, problem);
}

/** The note may exist and nothing showed it: the row (its problem noted) stays pending for a later submit. */
async function leftPending(ctx: NoteAttempt, row: TicketNote, problem: Problem): Promise<NoteOutcome> {
  const { db } = ctx.deps;
  await audit(db, ctx.actor, {
    action: 'ticket.note_unknown',
    summary: `${ctx.deps.profile.name} did not confirm a note on ticket ${ctx.label}; it is looked for before it is sent again`,
    ...auditTarget(ctx),
    details: { ...auditFacts(ctx, row), message: problem.detail ?? problem.message },
  });
  const stored = (await findNoteRow(db, row.reference))!;
  if (stored.state !== 'pending') return currentOutcome(db, row.reference, ctx.deps.profile.psa);
  return { kind: 'failed', note: stored, problem: withoutEmptyDetail(decodeProblem(stored.lastError) ?? problem) };
}

/** A definite refusal: the PSA holds no note from this attempt, so the same form may be sent again. */
async function refused(ctx: NoteAttempt, row: TicketNote, e: PsaError): Promise<NoteOutcome> {
  const { db } = ctx.deps;
  const problem: Problem = { message: explainNoteRefusal(e), detail: e.detail };
  const stored = await markNoteFailed(db, row, problem);
  if (!stored) return currentOutcome(db, row.reference, ctx.deps.profile.psa);
  await audit(db, ctx.actor, {
    action: 'ticket.note_failed',
    summary: `${e.psaName} refused a note on ticket ${ctx.label}: ${e.detail ?? e.message}`,
    ...auditTarget(ctx),
    details: { ...auditFacts(ctx, row), kind: e.kind, status: e.status, message: e.detail ?? e.message },
  });
  return { kind: 'failed', note: stored, problem: withoutEmptyDetail(problem) };
}

/** What the row says now, for a request that did not get to send (or whose row was settled meanwhile). */
export async function currentOutcome(db: Db, reference: string, psa: PsaType): Promise<NoteOutcome> {
  const note = await findNoteRow(db, reference);
  if (!note) throw new Error(`ticket note ${reference} disappeared`);
  if (note.state === 'created') return { kind: 'already', note };
  if (note.state === 'pending') return { kind: 'in_progress', note };
  return {
    kind: 'failed',
    note,
    problem: withoutEmptyDetail(decodeProblem(note.lastError) ?? { message: noteNotAdded(psa) }),
  };
}

/** As the resolve's events: against the ticket record (src/services/tickets/resolve/flow.ts). */
function auditTarget(ctx: NoteAttempt) {
  return { targetType: 'run_ticket', targetId: ctx.ticket.id } as const;
}

function auditFacts(ctx: NoteAttempt, row: TicketNote) {
  return {
    ticketId: ctx.ticket.ticketId,
    ticketNumber: ctx.ticket.ticketNumber,
    visibility: row.visibility,
    reference: row.reference,
    ...(row.runId !== null ? { runId: row.runId } : {}),
  };
}

/** `NoteOutcome.problem.detail` is absent rather than undefined (exactOptionalPropertyTypes). */
function withoutEmptyDetail(p: Problem): { message: string; detail?: string } {
  return p.detail ? { message: p.message, detail: p.detail } : { message: p.message };
}
