import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { loadRunChecks, reviewedWindowDays, statuses, ticketFilters } from '../../services/runs/run-checks.ts';
import { countWaitingUnmatched } from '../../services/runs/unmatched.ts';
import { resolveStateFor } from '../../services/tickets/resolve/offer.ts';
import { idSchema } from '../../shared/ids.ts';
import { checkbox, pageSchema, parseOrThrow, searchTextSchema } from '../../shared/validation.ts';
import { requestSettings } from '../integration/request-settings.ts';
import { ticketCellsFor } from '../tickets/ticket-cells.ts';

/** Filters come from the address bar: a bad value falls back to its default instead of an error page. */
const querySchema = z.object({
  status: z.enum(statuses).optional().catch(undefined),
  customer: idSchema.optional().catch(undefined),
  ticket: z.enum(ticketFilters).optional().catch(undefined),
  q: searchTextSchema(),
  reviewed: z.unknown().optional().transform(checkbox),
  page: pageSchema,
});

/** Run Checks: the unreviewed runs, grouped by customer and job, with their tickets. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, autotask } = contextOf(req);
  const db = database.prisma;
  const q = parseOrThrow(querySchema, req.query);
  // Read once for this request: the Autotask badge has read them already.
  const settings = await requestSettings(req);
  const data = await loadRunChecks(db, {
    status: q.status,
    customerId: q.customer,
    search: q.q || undefined,
    ticket: q.ticket,
    includeReviewed: q.reviewed,
    page: q.page,
  });
  // "Resolve ticket" per shown ticket: time entries counted (cached a minute, bounded in calls and time).
  const tickets = data.groups.flatMap((g) => g.jobs.flatMap((j) => j.runs.map((r) => r.ticket)));
  const resolveActions = await resolveStateFor({ db, autotask }, req.user?.role, tickets, { settings });
  res.render('runs/run-checks', {
    title: 'Run Checks',
    ...data,
    ticketing: ticketCellsFor(req, res, settings, data.ticketCells),
    resolveActions,
    reviewedWindowDays,
    statuses,
    unmatchedWaiting: await countWaitingUnmatched(db),
    filters: {
      status: q.status ?? '',
      customer: q.customer ?? '',
      ticket: q.ticket ?? '',
      q: q.q ?? '',
      reviewed: q.reviewed,
    },
    filtered: Boolean(q.status || q.customer || q.ticket || q.q),
    // Where review forms send the operator back to (this page, with its filters).
    here: req.originalUrl,
  });
}
