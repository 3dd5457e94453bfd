import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { ticketName } from '../../services/tickets/correlate/candidate.ts';
import { linkExistingTicket } from '../../services/tickets/link/link-existing.ts';
import { idParam } from '../../shared/ids.ts';
import { requestSettings } from '../integration/request-settings.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { backToRunOf } from '../runs/return-to.ts';
import { RUN_MISSING } from './create-ticket.ts';

const NUMBER_MISSING = 'Type the Autotask ticket number, e.g. T20260113.0042.';
const NUMBER_INVALID = 'That is not an Autotask ticket number. It looks like T20260113.0042.';

/** Autotask ticket numbers (T20260113.0042) are printable ASCII without spaces (as in live-links.ts). */
const formSchema = z.object({
  ticketNumber: z
    .string({ error: NUMBER_MISSING })
    .trim()
    .min(1, NUMBER_MISSING)
    .max(50, NUMBER_INVALID)
    .regex(/^[\x21-\x7e]+$/, NUMBER_INVALID),
});

/** "Link ticket": a ticket opened in Autotask by hand, by its number. Refusals come back as messages. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, autotask } = contextOf(req);
  const runId = idParam(req.params['id'], RUN_MISSING);
  const { ticketNumber } = parseOrThrow(formSchema, req.body);
  const outcome = await linkExistingTicket(
    { db: database.prisma, autotask, settings: await requestSettings(req) },
    actorOf(currentUser(req)),
    runId,
    ticketNumber,
  );
  const name = ticketName(outcome.ticket);
  flash(
    req,
    outcome.kind === 'already'
      ? { type: 'info', text: `${capital(outcome.label)} already has Autotask ticket ${name}. Nothing was changed.` }
      : {
          type: 'success',
          text: `Linked Autotask ticket ${name} to ${outcome.label}. Nothing was created or changed in Autotask.`,
        },
  );
  res.redirect(backToRunOf(req));
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
