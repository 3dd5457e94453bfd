import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { paths } from '../../paths.ts';
import {
  loadRunChecks,
  maxOpenRows,
  reviewedWindowDays,
  statuses,
  ticketFilters,
} from '../../services/runs/run-checks.ts';
import { countWaitingUnmatched } from '../../services/runs/unmatched.ts';
import { resolveStateFor } from '../../services/tickets/resolve/offer.ts';
import { idSchema } from '../../shared/ids.ts';
import { checkbox, pageSchema, parseOrThrow, searchTextSchema } from '../../shared/validation.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { ticketCellsFor } from '../tickets/ticket-cells.ts';

/** Filters come from the address bar: a bad value falls back to its default instead of an error page. */
const querySchema = z.object({
  status: z.enum(statuses).optional().catch(undefined),
  customer: idSchema.optional().catch(undefined),
  ticket: z.enum(ticketFilters).optional().catch(undefined),
  q: searchTextSchema(),
  reviewed: z.unknown().optional().transform(checkbox),
  page: pageSchema,
  // Opened rows (job ids): `open=12&open=15`. Ids that are not numbers are dropped, not an error.
  open: z
    .unknown()
    .optional()
    .transform((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : v === undefined ? [] : [v]))
    .transform((list) =>
      list.flatMap((v) => {
        const id = idSchema.safeParse(v);
        return id.success ? [id.data] : [];
      }),
    )
    .transform((ids) => [...new Set(ids)].slice(0, maxOpenRows)),
});

/** Run Checks: one row per job with unreviewed runs, worst first; opened rows show their runs. */
export async function get(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const q = parseOrThrow(querySchema, req.query);
  // The active PSA, read once for this request: the ticket cells and the resolve actions share it.
  const profile = await requestProfile(req);
  const [data, unmatchedWaiting] = await Promise.all([
    loadRunChecks(db, {
      status: q.status,
      customerId: q.customer,
      search: q.q || undefined,
      ticket: q.ticket,
      includeReviewed: q.reviewed,
      page: q.page,
      open: q.open,
    }),
    countWaitingUnmatched(db),
  ]);
  const filters = {
    status: q.status ?? '',
    customer: q.customer ? String(q.customer) : '',
    ticket: q.ticket ?? '',
    q: q.q ?? '',
    reviewed: q.reviewed ? 'on' : '',
  };
  const openShown = data.rows.filter((r) => q.open.includes(r.jobId)).map((r) => r.jobId);
  // "Resolve ticket" per shown ticket: time entries counted (cached a minute, bounded in calls and time).
  const tickets = [...data.open.rows.values()].flatMap((row) => row.runs.map((r) => r.ticket));
  const resolveActions = await resolveStateFor({ db, profile }, req.user?.role, tickets);
  res.render('runs/run-checks', {
    title: 'Run Checks',
    ...data,
    psaName: profile.name,
    ticketing: ticketCellsFor(req, res, profile, data.open.ticketCells),
    resolveActions,
    reviewedWindowDays,
    statuses,
    unmatchedWaiting,
    filters: { ...filters, open: openShown },
    filtered: Boolean(q.status || q.customer || q.ticket || q.q),
    baseQuery: filters,
    // The address of this page with one row opened or closed (the "Show runs" links).
    toggleHref: (jobId: number) => {
      const open = openShown.includes(jobId) ? openShown.filter((id) => id !== jobId) : [...openShown, jobId];
      return addressOf({ ...filters, page: data.page > 1 ? String(data.page) : '' }, open);
    },
    // Where review forms send the operator back to (this page, with its filters).
    here: req.originalUrl,
  });
}

/** `/run-checks?…` with the filters that are set and the opened rows. */
function addressOf(query: Record<string, string>, open: readonly number[]): string {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''));
  for (const id of open) params.append('open', String(id));
  const text = params.toString();
  return text ? `${paths.runChecks.index}?${text}` : paths.runChecks.index;
}
