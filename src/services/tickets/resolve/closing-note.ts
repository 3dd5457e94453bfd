import type { Db } from '../../../db/database.ts';
import { isOutcomeUnknown } from '../../../psa/errors.ts';
import type { PsaNote } from '../../../psa/port.ts';
import { CLOSING_NOTE_TEXT } from '../../integration/settings.ts';
import { writeWithThreadRetry, type CheckResult, type WriteResult } from '../retry-write.ts';
import { failed, record, type FlowState, type ResolveResult } from './flow.ts';
import { noNoteTypeMessage } from './messages.ts';
import { CLOSING_NOTE_TITLE } from './rules.ts';

/**
 * Step 3: the internal closing note, written before the close and at most once per ticket, ever.
 * Its id is stored the moment the PSA gives it. `closingNoteSentAt` is set just before the POST
 * and cleared when the id is stored: a row that still has it tells the next attempt that a note may
 * exist without its id, and that attempt looks for it before writing one. A POST refused by the
 * thread threshold is followed by the same look at the ticket's notes, and sent again only when the
 * note is not there (`../retry-write.ts`).
 */

/** The step either has the note's id for the next steps or ends the resolve with a result. */
export type NoteStep = { readonly noteId: number } | { readonly stop: ResolveResult };

export async function ensureClosingNote(f: FlowState): Promise<NoteStep> {
  if (f.ticket.closingNoteId !== null) return { noteId: f.ticket.closingNoteId };
  const blocked = noNoteTypeMessage(f.profile);
  if (blocked !== null) return { stop: await noNoteType(f, blocked) };
  const earlier = await lookForEarlierNote(f);
  if ('stop' in earlier) return earlier;
  if (earlier.note) return { noteId: await adoptNote(f, earlier.note.id) };
  return writeNote(f);
}

/** No note can be written (Autotask: no note type chosen): stopped before anything is sent. */
async function noNoteType(f: FlowState, message: string): Promise<ResolveResult> {
  await record(f, 'ticket.resolve_failed', `Resolve of ticket ${f.label} stopped: no note type set`, {
    step: 'note',
  });
  return { outcome: 'note_failed', level: 'error', message };
}

/**
 * "Was it already written?": an earlier attempt that sent the note but never stored its id (answer
 * lost, process died) left `closingNoteSentAt`; its note is looked for before one is written.
 * Without that mark there is nothing to look for.
 */
async function lookForEarlierNote(
  f: FlowState,
): Promise<{ readonly note: PsaNote | undefined } | { readonly stop: ResolveResult }> {
  if (f.ticket.closingNoteSentAt === null) return { note: undefined };
  try {
    return { note: findClosingNote(f, await f.client.listTicketNotes(f.ticket.ticketId)) };
  } catch (e) {
    return {
      stop: await failed(
        f,
        'note_unknown',
        'look for closing note',
        `An earlier attempt may have written the closing note, and the notes of ticket ${f.label} could not be read to check, so nothing was written.`,
        e,
      ),
    };
  }
}

async function adoptNote(f: FlowState, noteId: number): Promise<number> {
  await storeNote(f.db, f.ticket.id, noteId);
  await record(
    f,
    'ticket.resolve_note_adopted',
    `Found the closing note ${noteId} on ticket ${f.label} from an earlier attempt`,
    {
      noteId,
    },
  );
  return noteId;
}

async function writeNote(f: FlowState): Promise<NoteStep> {
  // Written ahead: from here until the id is stored, the note may exist in the PSA.
  await f.db.ticket.update({ where: { id: f.ticket.id }, data: { closingNoteSentAt: f.now() } });
  const result = await writeWithThreadRetry<number, number>(
    {
      write: () => f.client.addInternalNote(f.ticket.ticketId, { title: CLOSING_NOTE_TITLE, text: CLOSING_NOTE_TEXT }),
      check: () => lookForNote(f),
    },
    f.writeRetry,
  );
  const settled = await settleNoteWrite(f, result);
  if ('stop' in settled) return settled;
  const { noteId } = settled;
  await storeNote(f.db, f.ticket.id, noteId);
  await record(f, 'ticket.resolve_note_written', `Wrote the internal closing note ${noteId} on ticket ${f.label}`, {
    noteId,
    ...(result.retries > 0 ? { threadThresholdResends: result.retries } : {}),
  });
  return { noteId };
}

/** What the POST (and any resend after the thread threshold) came to. */
async function settleNoteWrite(f: FlowState, result: WriteResult<number, number>): Promise<NoteStep> {
  switch (result.kind) {
    case 'written':
    case 'happened':
      return { noteId: result.value };
    case 'unverified':
      return { stop: await unconfirmedNote(f, result.error) };
    case 'exhausted':
      return { stop: await refusedNote(f, result.error) };
    case 'failed':
      return afterNoteFailure(f, result.error);
    case 'stopped':
      return result.value;
  }
}

/** "Did it happen?" after the thread threshold refused the note: the ticket's notes. */
async function lookForNote(f: FlowState): Promise<CheckResult<number>> {
  const note = findClosingNote(f, await f.client.listTicketNotes(f.ticket.ticketId));
  return note ? { happened: note.id } : { absent: true };
}

/**
 * The note POST failed. A definite refusal means no note exists, so the mark is cleared and a
 * retry need not look first. An unknown outcome means the note may exist: it is settled by reading,
 * never by writing blindly again; when the read cannot settle it, the mark stays for the retry.
 */
async function afterNoteFailure(f: FlowState, e: unknown): Promise<NoteStep> {
  if (!isOutcomeUnknown(e)) return { stop: await refusedNote(f, e) };
  let settled: PsaNote | undefined;
  try {
    settled = findClosingNote(f, await f.client.listTicketNotes(f.ticket.ticketId));
  } catch {
    settled = undefined;
  }
  if (settled) return { noteId: settled.id };
  return { stop: await unconfirmedNote(f, e) };
}

/** A definite refusal: no note exists, so the mark is cleared and a retry need not look first. */
async function refusedNote(f: FlowState, e: unknown): Promise<ResolveResult> {
  await f.db.ticket.update({ where: { id: f.ticket.id }, data: { closingNoteSentAt: null } });
  return failed(
    f,
    'note_failed',
    'write closing note',
    `${f.profile.name} did not accept the closing note, so ticket ${f.label} was not closed.`,
    e,
  );
}

/** The note may exist and the notes could not be read to tell: the mark stays for the retry. */
function unconfirmedNote(f: FlowState, e: unknown): Promise<ResolveResult> {
  return failed(
    f,
    'note_unknown',
    'write closing note',
    `${f.profile.name} did not confirm the closing note and it could not be found on ticket ${f.label}, so the ticket was not closed. Try again: Backupchecks looks for the note first and never writes a second one.`,
    e,
  );
}

/**
 * A closing note we wrote: internal, with exactly the fixed text (the title is not compared: it can
 * be edited in the PSA). ConnectWise notes have no title: it is the text's first paragraph
 * (src/psa/connectwise/adapter.ts, noteText), so the body after it is compared there.
 */
function findClosingNote(f: FlowState, notes: readonly PsaNote[]): PsaNote | undefined {
  return notes.find((n) => n.internal && bodyOf(f, n) === CLOSING_NOTE_TEXT);
}

function bodyOf(f: FlowState, n: PsaNote): string | undefined {
  const text = n.text?.trim();
  if (text === undefined || f.profile.psa === 'autotask') return text;
  const paragraph = text.indexOf('\n\n');
  return paragraph === -1 ? text : text.slice(paragraph + 2).trim();
}

async function storeNote(db: Db, runTicketId: number, noteId: number): Promise<void> {
  await db.ticket.update({ where: { id: runTicketId }, data: { closingNoteId: noteId, closingNoteSentAt: null } });
}
