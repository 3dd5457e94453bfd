import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, NotFoundError } from '../errors/catalogue.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import type { FlashMessage } from '../shared/session-types.ts';
import { actorOf } from '../services/accounts/audit.ts';
import { deferWork } from '../shared/deferred-work.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../services/integration/settings.ts';
import { createTicketForRun, type CreateOutcome, type TicketCreationDeps } from '../services/tickets/create-ticket.ts';
import { runIdForTicketId, runIdForTicketNumber } from '../services/tickets/live-links.ts';
import { upkeepShownTickets } from '../services/tickets/upkeep.ts';
import { createTicketViews } from '../services/tickets/view-model.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const ticketIdParam = z.object({
  ticketId: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});
const ticketNumberParam = z.object({ ticketNumber: z.string().trim().min(1).max(50) });

/** Back to the page the click came from (Run Checks with its filters, or the run), and to the run on it. */
function returnTo(value: unknown, runId: number): string {
  const page =
    typeof value === 'string' && /^\/(run-checks|runs\/\d+)(?:[?#][^\s]*)?$/.test(value) ? value : `/runs/${runId}`;
  return page.startsWith('/run-checks') && !page.includes('#') ? `${page}#run-${runId}` : page;
}

function outcomeFlash(o: CreateOutcome): FlashMessage {
  const number = o.ticket.ticketNumber ?? (o.ticket.ticketId ? `ID ${o.ticket.ticketId}` : '');
  switch (o.kind) {
    case 'created':
      return { type: 'success', text: `Created Autotask ticket ${number} for ${o.label}.` };
    case 'reconciled':
      return {
        type: 'success',
        text: `Autotask had created ticket ${number} for ${o.label} although its answer was lost; it is now linked to the run. No second ticket was created.`,
      };
    case 'exists':
      return {
        type: 'info',
        text: `${capital(o.label)} already has Autotask ticket ${number}. No second ticket was created.`,
      };
    case 'in_progress':
      return {
        type: 'info',
        text: `A ticket for ${o.label} is being created by another click right now. Refresh the page in a moment to see it.`,
      };
    case 'failed':
      return { type: 'error', text: o.problem.message, ...(o.problem.detail ? { detail: o.problem.detail } : {}) };
    case 'unknown':
      return { type: 'warning', text: o.problem.message, ...(o.problem.detail ? { detail: o.problem.detail } : {}) };
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Tickets on the run pages: the "Create Autotask ticket" action, the view model every run's
 * ticket cell renders from, and the LiveLink addresses that lead from Autotask back to a run.
 */
export function ticketRoutes(ctx: AppContext): Router {
  const { database, config, autotask, logger } = ctx;
  const db = database.prisma;
  const deps: TicketCreationDeps = {
    db,
    autotask,
    timeoutMs: config.autotask.timeoutMs,
    timezone: config.timezone,
    fallbackBaseUrl: config.baseUrl,
  };
  const router = Router();

  // Pages that show runs get `ticketing` (the per-run view model) for views/tickets/run-ticket.ejs.
  // The page is rendered first, from what the database holds; the runs it showed whose tickets need
  // upkeep (a pending attempt to settle, a status older than five minutes) are handled after the
  // response is sent, so a slow or unreachable Autotask never delays or breaks the page. The next
  // view shows the result; the status is always labelled with the time it was read.
  const exposeTicketing: RequestHandler = async (req, res, next) => {
    const settings =
      (await db.integrationSettings.findUnique({ where: { id: SETTINGS_ID } })) ?? (await getIntegrationSettings(db));
    const views = createTicketViews({
      role: req.user?.role ?? null,
      settings,
      timeoutMs: config.autotask.timeoutMs,
      now: new Date(),
    });
    res.locals.ticketing = views;
    res.on('finish', () => {
      const ids = views.upkeepIds();
      if (ids.length === 0 || res.statusCode >= 400) return;
      deferWork(
        async () => {
          const result = await upkeepShownTickets({ db, autotask, timeoutMs: config.autotask.timeoutMs }, ids);
          if (result.statusError) {
            logger.warn({ err: result.statusError }, 'ticket status refresh failed; the old statuses stay shown');
          }
        },
        (err) => logger.error({ err }, 'ticket upkeep after a page view failed'),
      );
    });
    next();
  };
  router.get(['/run-checks', '/runs/:id'], exposeTicketing);

  router.post('/runs/:id/ticket', requireRole('admin', 'operator'), async (req, res) => {
    const parsed = idParam.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('This run does not exist. The link may be wrong.');
    const runId = parsed.data.id;
    const back = returnTo(req.body?.returnTo, runId);
    try {
      flash(req, outcomeFlash(await createTicketForRun(deps, actorOf(req.user!), runId)));
    } catch (e) {
      // Refusals (integration off, mapping missing or invalid, Autotask unreachable before
      // anything was sent) go back to the page with the reason; a missing run is a 404 page.
      if (!(e instanceof AppError) || e instanceof NotFoundError) throw e;
      flash(req, { type: 'error', text: e.message, ...(e.detail ? { detail: e.detail } : {}) });
    }
    // Saved before the redirect is sent: browsers (and supertest) follow a redirect as soon as its
    // headers arrive, which can be before express-session's own save at the end of the response,
    // and the message would then be missing from the page the operator lands on.
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    res.redirect(back);
  });

  // LiveLinks: Autotask → the run. Anonymous visitors are sent to sign in first and come back here.
  router.get('/links/autotask/tickets/:ticketId', async (req, res) => {
    const parsed = ticketIdParam.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('That is not an Autotask ticket ID. The link may be wrong.');
    res.redirect(`/runs/${await runIdForTicketId(db, parsed.data.ticketId)}`);
  });

  router.get('/links/autotask/ticket-numbers/:ticketNumber', async (req, res) => {
    const parsed = ticketNumberParam.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('That is not an Autotask ticket number. The link may be wrong.');
    res.redirect(`/runs/${await runIdForTicketNumber(db, parsed.data.ticketNumber)}`);
  });

  return router;
}
