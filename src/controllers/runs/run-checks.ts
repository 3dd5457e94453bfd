import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { loadRunChecks, reviewedWindowDays, statuses } from '../../services/runs/run-checks.ts';
import { resolveStateFor } from '../../services/tickets/resolve/offer.ts';
import { idSchema } from '../../shared/ids.ts';
import { checkbox, pageSchema, parseOrThrow, searchTextSchema } from '../../shared/validation.ts';
import { ticketCellsFor } from '../tickets/ticket-cells.ts';

/** Filters come from the address bar: a bad value falls back to its default instead of an error page. */
const querySchema = z.object({
  status: z.enum(statuses).optional().catch(undefined),
  customer: idSchema.optional().catch(undefined),
  q: searchTextSchema(),
  reviewed: z.unknown().optional().transform(checkbox),
  page: pageSchema,
});

/** Run Checks: the unreviewed runs, grouped by customer and job, with their tickets. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, autotask } = contextOf(req);
  const db = database.prisma;
  const q = parseOrThrow(querySchema, req.query);
  const settings = await getIntegrationSettings(db);
  const data = await loadRunChecks(db, {
    status: q.status,
    customerId: q.customer,
    search: q.q || undefined,
    includeReviewed: q.reviewed,
    page: q.page,
  });
  // "Resolve ticket" per shown ticket: time entries counted (cached a minute, bounded in calls and time).
  const tickets = data.groups.flatMap((g) => g.jobs.flatMap((j) => j.runs.map((r) => r.ticket)));
  const resolveActions = await resolveStateFor({ db, autotask }, req.user?.role, tickets, { settings });
  res.render('runs/run-checks', {
    title: 'Run Checks',
    ...data,
    ticketing: ticketCellsFor(req, res, settings),
    resolveActions,
    reviewedWindowDays,
    statuses,
    filters: { status: q.status ?? '', customer: q.customer ?? '', q: q.q ?? '', reviewed: q.reviewed },
    filtered: Boolean(q.status || q.customer || q.q),
    // Where review forms send the operator back to (this page, with its filters).
    here: req.originalUrl,
  });
}
