import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { loadResolveConfirmation } from '../../services/tickets/resolve/confirmation.ts';
import type { ResolutionDeps } from '../../services/tickets/resolve/flow.ts';
import { resolveTicket } from '../../services/tickets/resolve/resolve-ticket.ts';
import { idParam } from '../../shared/ids.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { backToRunOf, runPageOf } from '../runs/return-to.ts';
import { RUN_MISSING } from './create-ticket.ts';

/** The active PSA's profile, read once for the request; waits after the thread threshold are Autotask's. */
async function depsOf(req: Request): Promise<ResolutionDeps> {
  const { database, autotask } = contextOf(req);
  return { db: database.prisma, profile: await requestProfile(req), writeRetry: autotask.writeRetry };
}

/** The confirmation step of "Resolve ticket": what will be written, after a live check of the gate. */
export async function get(req: Request, res: Response): Promise<void> {
  const runId = idParam(req.params['id'], RUN_MISSING);
  const confirmation = await loadResolveConfirmation(await depsOf(req), currentUser(req).role, runId);
  res.render('tickets/resolve-confirm', {
    title: `Resolve ticket ${confirmation.ticket.ticketNumber ?? ''}`.trim(),
    ...confirmation,
    returnTo: runPageOf(req.query['returnTo'], runId),
  });
}

/** The resolve itself; every outcome goes back to the run as a message. */
export async function post(req: Request, res: Response): Promise<void> {
  const runId = idParam(req.params['id'], RUN_MISSING);
  const deps = await depsOf(req);
  const result = await resolveTicket(deps, actorOf(currentUser(req)), runId);
  // The PSA's words come from the active PSA: a ticket of another one is refused before any call.
  const said = result.detail ? { detail: result.detail, source: deps.profile.name } : {};
  flash(req, { type: result.level, text: result.message, ...said });
  res.redirect(backToRunOf(req));
}
