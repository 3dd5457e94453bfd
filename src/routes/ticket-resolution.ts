import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, NotFoundError } from '../errors/catalogue.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { actorOf } from '../services/accounts/audit.ts';
import { loadResolveConfirmation, resolveTicket, type ResolutionDeps } from '../services/tickets/resolve-ticket.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Where to go afterwards: the page the operator came from, but only one of our run pages. */
function returnTo(value: unknown, runId: number): string {
  return typeof value === 'string' && /^\/(run-checks|runs\/\d+)(?:[?#][^\s]*)?$/.test(value)
    ? value
    : `/runs/${runId}`;
}

/** Run Checks is long: land on the run that was acted on. */
const atRun = (page: string, runId: number): string =>
  page.startsWith('/run-checks') && !page.includes('#') ? `${page}#run-${runId}` : page;

function runIdOf(req: Request): number {
  const parsed = idParam.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError('This run does not exist. The link may be wrong.');
  return parsed.data.id;
}

/**
 * /runs/:id/ticket/resolve — the confirmation step (GET) and the resolve itself (POST). Admins and
 * operators only, checked here on the server. Every outcome goes back to the run as a flash message.
 */
export function ticketResolutionRoutes({ database, autotask }: AppContext): Router {
  const deps: ResolutionDeps = { db: database.prisma, autotask };
  const router = Router();

  router.get('/:id/ticket/resolve', requireRole('admin', 'operator'), async (req, res) => {
    const runId = runIdOf(req);
    const back = returnTo(req.query['returnTo'], runId);
    try {
      const confirmation = await loadResolveConfirmation(deps, req.user?.role, runId);
      res.render('tickets/resolve-confirm', {
        title: `Resolve ticket ${confirmation.ticket.ticketNumber ?? ''}`.trim(),
        ...confirmation,
        returnTo: back,
      });
    } catch (e) {
      if (!(e instanceof AppError) || e instanceof NotFoundError) throw e;
      flash(req, { type: 'error', text: e.message, ...(e.detail ? { detail: e.detail } : {}) });
      res.redirect(atRun(back, runId));
    }
  });

  router.post('/:id/ticket/resolve', requireRole('admin', 'operator'), async (req, res) => {
    const runId = runIdOf(req);
    const back = returnTo(req.body?.returnTo, runId);
    try {
      const result = await resolveTicket(deps, actorOf(req.user!), runId);
      flash(req, { type: result.level, text: result.message, ...(result.detail ? { detail: result.detail } : {}) });
    } catch (e) {
      if (!(e instanceof AppError) || e instanceof NotFoundError) throw e;
      flash(req, { type: 'error', text: e.message, ...(e.detail ? { detail: e.detail } : {}) });
    }
    res.redirect(atRun(back, runId));
  });

  return router;
}
