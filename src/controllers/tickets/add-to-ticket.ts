import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { addRunToTicket, type AddToTicketOutcome } from '../../services/tickets/correlate/add-to-ticket.ts';
import { ticketName } from '../../services/tickets/correlate/candidate.ts';
import type { NoteResult } from '../../services/tickets/correlate/send-run-added-note.ts';
import { idParam, idSchemaWith } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { psaNameOfTicket } from '../../services/tickets/ticket-psa.ts';
import { requestProfile } from '../integration/request-settings.ts';
import type { FlashMessage } from '../../shared/session-types.ts';
import { backToRunOf } from '../runs/return-to.ts';
import { RUN_MISSING } from './create-ticket.ts';

const formSchema = z.object({
  ticketRecordId: idSchemaWith('This form does not name a ticket. Reload the page and try again.'),
  // "Try again" on a run whose note was not written sends only the note.
  resend: z.literal('note').optional().catch(undefined),
});

/** "Add to ticket T…" (and its "Try again" for the note); every outcome goes back as a message. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, autotask, config } = contextOf(req);
  const runId = idParam(req.params['id'], RUN_MISSING);
  const form = parseOrThrow(formSchema, req.body);
  const outcome = await addRunToTicket(
    {
      db: database.prisma,
      profile: await requestProfile(req),
      timeoutMs: config.autotask.timeoutMs,
      timezone: config.timezone,
      fallbackBaseUrl: config.baseUrl,
      writeRetry: autotask.writeRetry,
    },
    actorOf(currentUser(req)),
    runId,
    { ticketRecordId: form.ticketRecordId, resendNote: form.resend === 'note' },
  );
  flash(req, outcomeFlash(outcome));
  res.redirect(backToRunOf(req));
}

function outcomeFlash(o: AddToTicketOutcome): FlashMessage {
  // "Autotask ticket T…": the ticket's own PSA.
  const name = `${psaNameOfTicket(o.ticket)} ticket ${ticketName(o.ticket)}`;
  const label = capital(o.label);
  switch (o.kind) {
    case 'added':
      return noteFlash(o.note, psaNameOfTicket(o.ticket), {
        done: `Added ${o.label} to ${name}. An internal note on the ticket lists the run's failed objects.`,
        pending: `Added ${o.label} to ${name}. The note about it is being written; refresh the page in a moment.`,
        failed: `Added ${o.label} to ${name}, but the note about it was not written.`,
      });
    case 'note_sent':
      return noteFlash(o.note, psaNameOfTicket(o.ticket), {
        done: `Wrote the note about ${o.label} to ${name}.`,
        already: `The note about ${o.label} is already on ${name}. No second note was written.`,
        pending: `The note about ${o.label} is being written to ${name}; refresh the page in a moment.`,
        failed: `The note about ${o.label} was still not written to ${name}.`,
      });
    case 'already_added':
      return { type: 'info', text: `${label} is already on ${name}. No second note was written.` };
    case 'has_other_ticket':
      return {
        type: 'info',
        text: `${label} already has ${name}, and a run has one ticket. It was not added to another.`,
      };
  }
}

interface NoteTexts {
  readonly done: string;
  /** When an earlier attempt had written it; default `done`. */
  readonly already?: string;
  readonly pending: string;
  readonly failed: string;
}

function noteFlash(note: NoteResult, psaName: string, text: NoteTexts): FlashMessage {
  switch (note.kind) {
    case 'written':
      return { type: 'success', text: text.done };
    case 'already':
      return text.already ? { type: 'info', text: text.already } : { type: 'success', text: text.done };
    case 'in_progress':
      return { type: 'info', text: text.pending };
    case 'failed':
      return {
        type: 'warning',
        text: `${text.failed} ${note.problem.message} Use "Try again" on the run to send only the note.`,
        ...(note.problem.detail ? { detail: note.problem.detail, source: psaName } : {}),
      };
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
