import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { NOTE_PUBLISH_INTERNAL, type TicketNote as AutotaskNote } from '../../../autotask/types.ts';
import type { NoteVisibility } from '../../../db/database.ts';

/**
 * The fixed parts of a note Backupchecks writes to an Autotask ticket: its limits, how visibility
 * maps to Autotask's `publish`, and the reference that finds a note again when its answer was lost.
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
 * `publish` per visibility: 2 = Internal, 1 = All Autotask Users (docs/autotask.md, Ticket notes;
 * the simulator's `publish` picklist in packages/autotask-simulator/src/seed-picklists.ts).
 */
export const PUBLISH: Readonly<Record<NoteVisibility, number>> = { internal: NOTE_PUBLISH_INTERNAL, all: 1 };

export const VISIBILITY_LABELS: Readonly<Record<NoteVisibility, string>> = {
  internal: 'Internal (Autotask staff only)',
  all: 'All Autotask users',
};

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
 * A note written by Backupchecks, recognised by the reference in its title. The title can be edited
 * in Autotask; a note whose reference was edited away within the seconds of a lost answer would be
 * missed, and the text alone cannot tell it from a second note with the same words.
 */
export function findNoteByReference(notes: readonly AutotaskNote[], reference: string): AutotaskNote | undefined {
  return notes.find((n) => n.title?.includes(`[${reference}]`));
}

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
