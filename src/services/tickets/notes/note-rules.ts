import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { NoteVisibility } from '../../../db/database.ts';
import { PSA_NAMES, type PsaNote, type PsaType } from '../../../psa/port.ts';

/**
 * The fixed parts of a note Backupchecks writes to a PSA ticket: its limits, the visibilities each
 * PSA offers (Autotask's `publish`), and the reference that finds a note again when its answer was
 * lost.
 */

/**
 * Autotask's TicketNote `description` limit. docs/autotask.md (Ticket notes, Limits) has the source;
 * the simulator refuses longer text the same way (packages/autotask-simulator/src/entities.ts).
 * JavaScript's `length` counts UTF-16 units, as the simulator does.
 */
export const NOTE_TEXT_MAX = 32_000;
/** The TicketNote `title` limit, from the same places as NOTE_TEXT_MAX. */
export const NOTE_TITLE_MAX = 250;
/** The title of a note an operator writes; the reference is added to it (`noteTitle`). */
export const DEFAULT_NOTE_TITLE = 'Note from Backupchecks';

/**
 * Autotask's `publish` per visibility: 2 = Internal, 1 = All Autotask Users (docs/autotask.md,
 * Ticket notes; the simulator's `publish` picklist in packages/autotask-simulator/src/seed-picklists.ts).
 */
export const PUBLISH: Readonly<Record<NoteVisibility, number>> = { internal: 2, all: 1 };

/** Autotask's visibilities, as the form names them. */
export const VISIBILITY_LABELS: Readonly<Record<NoteVisibility, string>> = {
  internal: 'Internal (Autotask staff only)',
  all: 'All Autotask users',
};

/**
 * The visibilities a PSA's notes can have, as the form and the notes list name them. A ConnectWise
 * note from Backupchecks is internal only: its other threads are the customer's Discussion and the
 * Resolution, which may reach the customer (docs/connectwise.md, Ticket notes).
 */
export const VISIBILITIES: Readonly<Record<PsaType, Partial<Record<NoteVisibility, string>>>> = {
  autotask: VISIBILITY_LABELS,
  connectwise: { internal: 'Internal (ConnectWise members only)' },
};

/** The label of a note's visibility in its ticket's PSA. */
export const visibilityLabel = (psa: PsaType, visibility: NoteVisibility): string =>
  VISIBILITIES[psa][visibility] ?? VISIBILITY_LABELS[visibility];

/** The PSA does not offer the visibility: the field's sentence, else null. */
export function visibilityRefusal(psa: PsaType, visibility: NoteVisibility): string | null {
  return VISIBILITIES[psa][visibility] === undefined
    ? `Notes from Backupchecks to ${PSA_NAMES[psa]} are internal only.`
    : null;
}

/**
 * The one-time key of a rendered "Add note" form: 8 random bytes as hex. It becomes the random part
 * of the note's reference, so every submit of one form names the same row (unique reference) and a
 * new form is a new note.
 */
export function newSubmissionKey(): string {
  return randomBytes(8).toString('hex');
}

export const SUBMISSION_KEY = /^[0-9a-f]{16}$/;

/** A form without a well-formed key was not rendered by Backupchecks (or was cut short). */
const FORM_INCOMPLETE = 'This form is incomplete. Open "Add note" again and write the note there.';

export const submissionKeySchema = z.string({ error: FORM_INCOMPLETE }).regex(SUBMISSION_KEY, FORM_INCOMPLETE);

/** `BC-NOTE-<ticket record id>-<key>`: unique per note, written into its title. */
export function noteReference(ticketRecordId: number, submissionKey: string): string {
  return `BC-NOTE-${ticketRecordId}-${submissionKey}`;
}

/** "<title> [BC-NOTE-…]", within Autotask's title limit; the reference always survives whole. */
export function noteTitle(title: string | undefined, reference: string): string {
  const suffix = ` [${reference}]`;
  const base = title?.replace(/\s+/g, ' ').trim() || DEFAULT_NOTE_TITLE;
  return `${cut(base, NOTE_TITLE_MAX - suffix.length)}${suffix}`;
}

/** At most `max` UTF-16 units, never half of a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end).trimEnd();
}

/**
 * A note written by Backupchecks, recognised by the reference in its title (ConnectWise notes have
 * none: the title is the first line of the text, src/psa/connectwise/adapter.ts). The title can be
 * edited in the PSA; a note whose reference was edited away within the seconds of a lost answer
 * would be missed, and the text alone cannot tell it from a second note with the same words.
 */
export function findNoteByReference(notes: readonly PsaNote[], reference: string): PsaNote | undefined {
  return notes.find((n) => titleOf(n)?.includes(`[${reference}]`));
}

const titleOf = (n: PsaNote): string | null | undefined => (n.title !== null ? n.title : n.text?.split('\n', 1)[0]);

const TEXT_MISSING = 'Write the note.';

/**
 * The note text: line breaks as the browser sends them (CRLF) become plain newlines, spaces around
 * it are trimmed, and it must fit Autotask's limit.
 */
export const noteTextSchema = z
  .string({ error: TEXT_MISSING })
  .transform((v) => v.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(1, TEXT_MISSING)
      .check((ctx) => {
        if (ctx.value.length > NOTE_TEXT_MAX) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: `A note can be at most ${NOTE_TEXT_MAX.toLocaleString('en')} characters long; this one has ${ctx.value.length.toLocaleString('en')}.`,
          });
        }
      }),
  );

export const visibilitySchema = z.enum(['internal', 'all'], { error: 'Choose who may see the note.' });

/** The "Add note" form as posted. */
export const noteFormSchema = z.object({
  text: noteTextSchema,
  visibility: visibilitySchema,
  submissionKey: submissionKeySchema,
});

export type NoteForm = z.infer<typeof noteFormSchema>;
