import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import type { PsaProfile } from '../../psa/port.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure, Problem } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import type { NoteDeps, NoteOutcome } from '../../services/tickets/notes/context.ts';
import {
  findNoteFormPage,
  loadNoteFormPage,
  RUN_NOT_FOUND,
  type NoteFormPage,
} from '../../services/tickets/notes/note-page.ts';
import {
  newSubmissionKey,
  NOTE_TEXT_MAX,
  noteFormSchema,
  SUBMISSION_KEY,
  visibilitySchema,
} from '../../services/tickets/notes/note-rules.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { writeTicketNote } from '../../services/tickets/notes/write-note.ts';
import { idParam, idSchema } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import type { FlashMessage } from '../../shared/session-types.ts';
import { backToRunOf, runPageOf } from '../runs/return-to.ts';

/**
 * "Add note" on a run's ticket in the active PSA (admins and operators): a small page with the form, so it
 * works without JavaScript and from Run Checks alike. Each rendering carries a fresh one-time key;
 * the key travels with the form through every re-render (a refused or unconfirmed note, a field to
 * fix), so submitting it again — twice, from two tabs, after a lost answer — is still one note.
 */

interface FormValues {
  readonly text: string;
  readonly visibility: string;
  readonly submissionKey: string;
}

interface Shown {
  readonly values: FormValues;
  readonly returnTo: string;
  readonly errors?: Readonly<Record<string, string>>;
  readonly problem?: Problem | null;
  /** The note may be on the ticket already: say that submitting again looks for it first. */
  readonly unconfirmed?: boolean;
  /** A submitted form comes back even while nothing can be written, so the typed text is not lost. */
  readonly keepForm?: boolean;
}

function depsOf(req: Request, profile: PsaProfile): NoteDeps {
  const { database, autotask, config } = contextOf(req);
  return { db: database.prisma, profile, timeoutMs: config.autotask.timeoutMs, writeRetry: autotask.writeRetry };
}

function render(res: Response, page: NoteFormPage, shown: Shown): void {
  const label = page.ticket.ticketNumber ?? `ID ${page.ticket.ticketId}`;
  res.render('tickets/note-form', {
    title: `Add note to ticket ${label}`,
    ...page,
    ticketLabel: label,
    errors: {},
    problem: null,
    unconfirmed: false,
    keepForm: false,
    ...shown,
    textMax: NOTE_TEXT_MAX,
  });
}

/** The form, with a key of its own. */
export async function get(req: Request, res: Response): Promise<void> {
  const runId = idParam(req.params['id'], RUN_NOT_FOUND);
  const page = await loadNoteFormPage(contextOf(req).database.prisma, await requestProfile(req), runId);
  render(res, page, {
    values: { text: '', visibility: 'internal', submissionKey: newSubmissionKey() },
    returnTo: runPageOf(req.query['returnTo'], runId),
  });
}

/** Writes the note; success goes back to the run, a note not written shows the form again as typed. */
export async function post(req: Request, res: Response): Promise<void> {
  const runId = idParam(req.params['id'], RUN_NOT_FOUND);
  const form = parseOrThrow(noteFormSchema, req.body);
  const profile = await requestProfile(req);
  const page = await loadNoteFormPage(contextOf(req).database.prisma, profile, runId);
  const outcome = await writeTicketNote(depsOf(req, profile), actorOf(currentUser(req)), {
    ticket: page.ticket,
    ...form,
  });
  if (outcome.kind === 'failed') {
    res.status(502);
    render(res, page, {
      values: form,
      returnTo: runPageOf(bodyOf(req)['returnTo'], runId),
      problem: outcome.problem,
      unconfirmed: outcome.note.state === 'pending',
      keepForm: true,
    });
    return;
  }
  flash(req, outcomeFlash(outcome, page.ticket.ticketNumber ?? `ID ${page.ticket.ticketId}`));
  res.redirect(backToRunOf(req));
}

/**
 * A field to fix or a rule that refuses (no note type, integration off): the form again, with the
 * text as typed and the same key. When there is no form to show (no such run, no created ticket),
 * the reason goes back to the run as a message.
 */
export async function renderFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  const runId = idSchema.safeParse(req.params['id']);
  const page = runId.success
    ? await findNoteFormPage(contextOf(req).database.prisma, await requestProfile(req), runId.data)
    : null;
  if (!runId.success || !page || 'missing' in page) {
    flash(req, failureFlash(failure));
    res.redirect(backToRunOf(req));
    return;
  }
  render(res, page, {
    values: valuesAsTyped(bodyOf(req)),
    returnTo: runPageOf(bodyOf(req)['returnTo'], runId.data),
    errors: failure.fieldErrors,
    problem: failure.problem,
    keepForm: true,
  });
}

const bodyOf = (req: Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;

/** What the form held, for showing it again: only well-formed values, a fresh key if it had none. */
function valuesAsTyped(body: Record<string, unknown>): FormValues {
  const { text, visibility, submissionKey } = body;
  return {
    text: typeof text === 'string' ? text : '',
    visibility: visibilitySchema.safeParse(visibility).data ?? 'internal',
    submissionKey:
      typeof submissionKey === 'string' && SUBMISSION_KEY.test(submissionKey) ? submissionKey : newSubmissionKey(),
  };
}

function failureFlash(failure: Failure): FlashMessage {
  const text = failure.problem?.message ?? Object.values(failure.fieldErrors).join(' ');
  const problem = failure.problem;
  return {
    type: 'error',
    text,
    ...(problem?.detail ? { detail: problem.detail, ...(problem.source ? { source: problem.source } : {}) } : {}),
  };
}

function outcomeFlash(o: Exclude<NoteOutcome, { kind: 'failed' }>, ticket: string): FlashMessage {
  switch (o.kind) {
    case 'written':
      return { type: 'success', text: `Note added to ticket ${ticket}.` };
    case 'already':
      return { type: 'info', text: `This note is already on ticket ${ticket}. It was not added a second time.` };
    case 'in_progress':
      return {
        type: 'info',
        text: `This note is being added to ticket ${ticket} by another submit right now. Refresh the page in a moment to see it.`,
      };
  }
}
