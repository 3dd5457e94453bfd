import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { ticketName } from '../../services/tickets/correlate/candidate.ts';
import { linkExistingTicket } from '../../services/tickets/link/link-existing.ts';
import { psaNameOfTicket, TICKET_NUMBER_EXAMPLE } from '../../services/tickets/ticket-psa.ts';
import type { PsaProfile } from '../../psa/port.ts';
import { idParam } from '../../shared/ids.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { backToRunOf } from '../runs/return-to.ts';
import { RUN_MISSING } from './create-ticket.ts';

/**
 * Ticket numbers are printable ASCII without spaces (as in live-links.ts): Autotask's T20260113.0042,
 * ConnectWise's ticket id (the adapter reads it, `#` allowed).
 */
function formSchemaFor(profile: Pick<PsaProfile, 'psa' | 'name'>) {
  const example = TICKET_NUMBER_EXAMPLE[profile.psa];
  const missing = `Type the ${profile.name} ticket number, e.g. ${example}.`;
  const invalid = `That is not ${profile.psa === 'autotask' ? 'an' : 'a'} ${profile.name} ticket number. It looks like ${example}.`;
  return z.object({
    ticketNumber: z
      .string({ error: missing })
      .trim()
      .min(1, missing)
      .max(50, invalid)
      .regex(/^[\x21-\x7e]+$/, invalid),
  });
}

/** "Link ticket": a ticket opened in the active PSA by hand, by its number. Refusals come back as messages. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database } = contextOf(req);
  const runId = idParam(req.params['id'], RUN_MISSING);
  const profile = await requestProfile(req);
  const { ticketNumber } = parseOrThrow(formSchemaFor(profile), req.body);
  const outcome = await linkExistingTicket(
    { db: database.prisma, profile },
    actorOf(currentUser(req)),
    runId,
    ticketNumber,
  );
  const psa = psaNameOfTicket(outcome.ticket);
  const name = ticketName(outcome.ticket);
  flash(
    req,
    outcome.kind === 'already'
      ? { type: 'info', text: `${capital(outcome.label)} already has ${psa} ticket ${name}. Nothing was changed.` }
      : {
          type: 'success',
          text: `Linked ${psa} ticket ${name} to ${outcome.label}. Nothing was created or changed in ${psa}.`,
        },
  );
  res.redirect(backToRunOf(req));
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
