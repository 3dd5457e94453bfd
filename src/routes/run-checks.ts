import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { actorOf } from '../services/accounts/audit.ts';
import { loadRunChecks, reviewedWindowDays, statuses } from '../services/runs/run-checks.ts';
import { reviewJob, reviewRun } from '../services/runs/review.ts';
import { resolveStateFor } from '../services/tickets/resolve-ticket.ts';
import { checkbox, parseOrThrow } from '../shared/validation.ts';

/** Filters come from the address bar: a bad value falls back to its default instead of an error page. */
const querySchema = z.object({
  status: z.enum(statuses).optional().catch(undefined),
  customer: z.coerce.number().int().positive().optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  reviewed: z.unknown().optional().transform(checkbox),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

const idParam = z.object({ id: z.coerce.number().int().positive() });
const jobReviewBody = z.object({ upTo: z.coerce.number().int().positive().optional().catch(undefined) });

/** After a review, back to the page the operator came from, but only to our own pages. */
function returnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(run-checks|runs\/\d+)(?:[?#][^\s]*)?$/.test(value) ? value : '/run-checks';
}

export function runCheckRoutes({ database, autotask }: AppContext): Router {
  const db = database.prisma;
  const router = Router();

  router.get('/', async (req, res) => {
    const q = parseOrThrow(querySchema, req.query);
    const filters = {
      status: q.status,
      customerId: q.customer,
      search: q.q || undefined,
      includeReviewed: q.reviewed,
      page: q.page,
    };
    const data = await loadRunChecks(db, filters);
    // "Resolve ticket" per shown ticket: time entries counted (cached a minute, bounded in calls and time).
    const tickets = data.groups.flatMap((g) => g.jobs.flatMap((j) => j.runs.map((r) => r.ticket)));
    const resolveActions = await resolveStateFor({ db, autotask }, req.user?.role, tickets);
    res.render('run-checks/index', {
      title: 'Run Checks',
      ...data,
      resolveActions,
      reviewedWindowDays,
      statuses,
      filters: { status: q.status ?? '', customer: q.customer ?? '', q: q.q ?? '', reviewed: q.reviewed },
      filtered: Boolean(q.status || q.customer || q.q),
      // Where review forms send the operator back to (this page, with its filters).
      here: req.originalUrl,
    });
  });

  // Reporters see the page but may not review: the guard is here, not only in the template.
  router.post('/runs/:id/review', requireRole('admin', 'operator'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const result = await reviewRun(db, actorOf(req.user!), id);
    flash(
      req,
      result.outcome === 'reviewed'
        ? { type: 'success', text: `Marked ${result.label} as reviewed.` }
        : {
            type: 'info',
            text: `${result.label} was already reviewed${result.reviewedBy ? ` by ${result.reviewedBy}` : ''} at ${res.locals.fmt(result.reviewedAt)}.`,
          },
    );
    res.redirect(returnTo(req.body?.returnTo));
  });

  router.post('/jobs/:id/review', requireRole('admin', 'operator'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const { upTo } = parseOrThrow(jobReviewBody, req.body ?? {});
    const result = await reviewJob(db, actorOf(req.user!), id, upTo);
    const text =
      result.reviewed === 0
        ? `Nothing to review for ${result.label}: its runs were already reviewed.`
        : `Marked ${result.reviewed} run${result.reviewed === 1 ? '' : 's'} of ${result.label} as reviewed.`;
    flash(req, { type: result.reviewed ? 'success' : 'info', text });
    if (result.newer > 0) {
      flash(req, {
        type: 'warning',
        text: `${result.newer} newer run${result.newer === 1 ? '' : 's'} of ${result.label} arrived after the page was loaded and ${result.newer === 1 ? 'is' : 'are'} still unreviewed.`,
      });
    }
    res.redirect(returnTo(req.body?.returnTo));
  });

  return router;
}
