import type { TicketNote, TicketRecord } from '../../../db/database.ts';
import { RuleError, ValidationError } from '../../../errors/catalogue.ts';
import { noteLookupFailed } from '../../../errors/psa-messages.ts';
import type { AutotaskProfile } from '../../../psa/autotask/profile.ts';
import { PsaError } from '../../../psa/errors.ts';
import type { PsaProfile } from '../../../psa/port.ts';
import { fieldErrors } from '../../../shared/validation.ts';
import type { Actor } from '../../accounts/audit.ts';
import { isSettleable } from '../run-ticket-claims.ts';
import { isOfProfile, otherPsaSentence, psaNameOfTicket } from '../ticket-psa.ts';
import { claimAgain, claimNewNote, findNoteRow, noteStillPending, type NoteContent } from './note-claims.ts';
import {
  findNoteByReference,
  newSubmissionKey,
  noteReference,
  noteTextSchema,
  noteTitle,
  submissionKeySchema,
  visibilityRefusal,
  visibilitySchema,
} from './note-rules.ts';
import {
  ticketLabelOf,
  type NoteAttempt,
  type NoteDeps,
  type NoteOutcome,
  type NoteToWrite,
  type SentTicket,
} from './context.ts';
import { adoptNote, currentOutcome, sendNote } from './send-note.ts';

/**
 * Writes one note to a ticket of the active PSA, once, however often the same form is submitted:
 *
 *  1. The row for this note (reference `BC-NOTE-<ticket record id>-<submission key>`) decides first:
 *     created → "already"; pending and recent → "in progress"; pending and old → the ticket's notes
 *     are read for the reference: there → adopted ("already"), absent → sent again; failed → sent again.
 *  2. Otherwise the pending row is inserted before anything is sent; the unique reference lets one
 *     of many simultaneous submits through, and the others answer from the row.
 *  3. The claimant POSTs (`send-note.ts`). A lost answer is settled by reading the ticket's notes
 *     for the reference in the title, never by sending blindly again.
 *
 * Used by the run page's "Add note" and by anything else that writes a note to a ticket.
 */

export type { NoteDeps, NoteOutcome, NoteToWrite } from './context.ts';

export const NO_NOTE_TYPE =
  'No note was added: no note type is set for the notes Backupchecks writes to Autotask. An admin can choose one under Settings → Autotask ("Note type of the closing note").';

/** Why no note can be written to the PSA's tickets (Autotask: no note type chosen), or null. */
export function noNoteTypeSentence(profile: Pick<PsaProfile, 'psa' | 'noteBlocker'>): string | null {
  if (profile.noteBlocker === null) return null;
  return profile.psa === 'autotask' ? NO_NOTE_TYPE : `No note was added: ${profile.noteBlocker}`;
}

export async function writeTicketNote(deps: NoteDeps, actor: Actor, note: NoteToWrite): Promise<NoteOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const ticket = sentTicketOf(note.ticket, deps.profile);
  const { text, visibility, submissionKey } = checkedInput(note, deps.profile);
  const reference = noteReference(ticket.id, submissionKey);
  const existing = await findNoteRow(deps.db, reference);
  const answered = existing && answerFromRow(existing, clock(), deps.timeoutMs);
  if (answered) return answered;

  const { client, noteTypeId } = noteSetup(deps);
  const content: NoteContent = { title: noteTitle(note.title, reference), text, visibility, noteTypeId };
  const ctx: NoteAttempt = { deps, client, actor, ticket, label: ticketLabelOf(ticket), clock };
  if (existing?.state === 'pending') return settleThenSend(ctx, existing, content);
  const claimed = existing
    ? await claimAgain(deps.db, existing, content, actor.id, clock())
    : await claimNewNote(deps.db, {
        ticketRecordId: ticket.id,
        reference,
        runId: note.runId ?? null,
        content,
        createdById: actor.id,
        now: clock(),
      });
  if (!claimed) return currentOutcome(deps.db, reference, deps.profile.psa);
  return sendNote(ctx, claimed);
}

/** A created ticket of the active PSA: nothing is sent about a ticket of another PSA. */
function sentTicketOf(ticket: TicketRecord, profile: PsaProfile): SentTicket {
  if (!isOfProfile(ticket, profile)) throw new RuleError(`No note was added. ${otherPsaSentence(ticket)}`);
  if (ticket.state !== 'created' || ticket.ticketId === null) {
    throw new RuleError(`No note was added: this ${psaNameOfTicket(ticket)} ticket has not been created (yet).`);
  }
  return ticket as SentTicket;
}

/**
 * The same rules as the form (`note-rules.ts`), for callers that did not come through it, and the
 * visibilities the PSA offers (ConnectWise: internal only).
 */
function checkedInput(
  note: NoteToWrite,
  profile: PsaProfile,
): { text: string; visibility: 'internal' | 'all'; submissionKey: string } {
  const text = noteTextSchema.safeParse(note.text);
  const visibility = visibilitySchema.safeParse(note.visibility);
  const refused = visibility.success ? visibilityRefusal(profile.psa, visibility.data) : null;
  const key = submissionKeySchema.safeParse(note.submissionKey ?? newSubmissionKey());
  const errors = {
    ...(text.success ? {} : { text: fieldErrors(text.error)['_']! }),
    ...(visibility.success ? {} : { visibility: fieldErrors(visibility.error)['_']! }),
    ...(refused ? { visibility: refused } : {}),
    ...(key.success ? {} : { submissionKey: fieldErrors(key.error)['_']! }),
  };
  if (!text.success || !visibility.success || refused || !key.success) throw new ValidationError(errors);
  return { text: text.data, visibility: visibility.data, submissionKey: key.data };
}

/** What an existing row says without asking the PSA; null when this request should act on it. */
function answerFromRow(row: TicketNote, now: Date, timeoutMs: number): NoteOutcome | null {
  if (row.state === 'created') return { kind: 'already', note: row };
  if (row.state === 'pending' && !isSettleable(row, now, timeoutMs)) return { kind: 'in_progress', note: row };
  return null;
}

/** The integration must be usable and notes possible (Autotask: a note type chosen); nothing is sent otherwise. */
function noteSetup(deps: NoteDeps) {
  const { profile } = deps;
  const blocked = profile.blocker;
  if (blocked) throw new RuleError(`No note was added. ${blocked.message}`, blocked.fixUrl);
  const noNote = noNoteTypeSentence(profile);
  if (noNote !== null) throw new RuleError(noNote, profile.settingsUrl);
  return { client: profile.client(), noteTypeId: noteTypeIdOf(profile) };
}

/**
 * The note type stored with the note row: Autotask's chosen one (set, `noNoteTypeSentence` checked
 * it); 0 for a PSA whose notes have no type (ConnectWise: the Internal thread is a flag).
 */
function noteTypeIdOf(profile: PsaProfile): number {
  return profile.psa === 'autotask' ? ((profile as AutotaskProfile).row.noteTypeId ?? 0) : 0;
}

/**
 * A pending row old enough that its POST cannot still be on its way: the ticket's notes say whether
 * it was written. There → adopted, never sent again. Absent → taken over and sent. Unreadable →
 * nothing is sent; the row stays pending for the next submit.
 */
async function settleThenSend(ctx: NoteAttempt, row: TicketNote, content: NoteContent): Promise<NoteOutcome> {
  const { db } = ctx.deps;
  let found;
  try {
    found = findNoteByReference(await ctx.client.listTicketNotes(ctx.ticket.ticketId), row.reference);
  } catch (e) {
    const problem = {
      message: noteLookupFailed(e),
      ...(e instanceof PsaError && e.detail ? { detail: e.detail } : {}),
    };
    await noteStillPending(db, row, problem);
    return { kind: 'failed', note: (await findNoteRow(db, row.reference))!, problem };
  }
  if (found) return adoptNote(ctx, row, found.id);
  const claimed = await claimAgain(db, row, content, ctx.actor.id, ctx.clock());
  if (!claimed) return currentOutcome(db, row.reference, ctx.deps.profile.psa);
  return sendNote(ctx, claimed);
}
