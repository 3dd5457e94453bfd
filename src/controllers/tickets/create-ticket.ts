import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import type { CreateOutcome } from '../../services/tickets/create/context.ts';
import { createTicketForRun } from '../../services/tickets/create/create-ticket.ts';
import { psaNameOfTicket } from '../../services/tickets/ticket-psa.ts';
import { deferAfterResponse } from '../../shared/deferred-work.ts';
import { idParam } from '../../shared/ids.ts';
import type { FlashMessage } from '../../shared/session-types.ts';
import { requestProfile, requestSettings } from '../integration/request-settings.ts';
import { backToRunOf } from '../runs/return-to.ts';

export const RUN_MISSING = 'This run does not exist. The link may be wrong.';

/**
 * "Create ticket" on a run, in the active PSA. Every outcome goes back to the page the click came
 * from as a message; refusals (integration off, mapping missing or invalid, the PSA unreachable
 * before anything was sent) arrive there through the route's flashOnFailure step.
 */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, autotask, config, logger } = contextOf(req);
  const runId = idParam(req.params['id'], RUN_MISSING);
  // The profile is built from the settings row the request reads once; the run link's base URL is
  // on that row whichever PSA is active, so it is taken from there rather than read again.
  const profile = await requestProfile(req);
  const settings = await requestSettings(req);
  const outcome = await createTicketForRun(
    {
      db: database.prisma,
      profile,
      timeoutMs: config.autotask.timeoutMs,
      timezone: config.timezone,
      settingsBaseUrl: settings.baseUrl,
      fallbackBaseUrl: config.baseUrl,
      writeRetry: autotask.writeRetry,
      // The read-back of a created ticket and the company sync: after the redirect has been sent.
      afterResponse: (task) =>
        deferAfterResponse(res, task, (err) =>
          logger.warn({ err }, 'after creating a ticket: reading it back or syncing its company failed'),
        ),
    },
    actorOf(currentUser(req)),
    runId,
  );
  flash(req, outcomeFlash(outcome));
  res.redirect(backToRunOf(req));
}

function outcomeFlash(o: CreateOutcome): FlashMessage {
  const number = o.ticket.ticketNumber ?? (o.ticket.ticketId ? `ID ${o.ticket.ticketId}` : '');
  // The PSA the ticket is in: the active one, or for an existing ticket the one it was made in.
  const psaName = psaNameOfTicket(o.ticket);
  switch (o.kind) {
    case 'created':
      return { type: 'success', text: `Created ${psaName} ticket ${number} for ${o.label}.` };
    case 'reconciled':
      return {
        type: 'success',
        text: `${psaName} had created ticket ${number} for ${o.label} although its answer was lost; it is now linked to the run. No second ticket was created.`,
      };
    case 'exists':
      return {
        type: 'info',
        text: `${capital(o.label)} already has ${psaName} ticket ${number}. No second ticket was created.`,
      };
    case 'in_progress':
      return {
        type: 'info',
        text: `A ticket for ${o.label} is being created by another click right now. Refresh the page in a moment to see it.`,
      };
    case 'failed':
      return { type: 'error', text: o.problem.message, ...saidBy(psaName, o.problem.detail) };
    case 'unknown':
      return { type: 'warning', text: o.problem.message, ...saidBy(psaName, o.problem.detail) };
  }
}

/** The PSA's own words under our sentence, named as the PSA's. */
const saidBy = (source: string, detail: string | undefined) => (detail ? { detail, source } : {});

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
