import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { loadResolveConfirmation } from '../../services/tickets/resolve/confirmation.ts';
import type { ResolutionDeps } from '../../services/tickets/resolve/flow.ts';
import { resolveTicket } from '../../services/tickets/resolve/resolve-ticket.ts';
import { idParam } from '../../shared/ids.ts';
import { backToRunOf, runPageOf } from '../runs/return-to.ts';
import { RUN_MISSING } from './create-ticket.ts';

function depsOf(req: Request): ResolutionDeps {
  const { database, autotask } = contextOf(req);
  return { db: database.prisma, autotask };
}

/** The confirmation step of "Resolve ticket": what will be written, after a live check of the gate. */
export async function get(req: Request, res: Response): Promise<void> {
  const runId = idParam(req.params['id'], RUN_MISSING);
  const confirmation = await loadResolveConfirmation(depsOf(req), currentUser(req).role, runId);
  res.render('tickets/resolve-confirm', {
    title: `Resolve ticket ${confirmation.ticket.ticketNumber ?? ''}`.trim(),
    ...confirmation,
    returnTo: runPageOf(req.query['returnTo'], runId),
  });
}

/** The resolve itself; every outcome goes back to the run as a message. */
export async function post(req: Request, res: Response): Promise<void> {
  const runId = idParam(req.params['id'], RUN_MISSING);
  const result = await resolveTicket(depsOf(req), actorOf(currentUser(req)), runId);
  flash(req, { type: result.level, text: result.message, ...(result.detail ? { detail: result.detail } : {}) });
  res.redirect(backToRunOf(req));
}
