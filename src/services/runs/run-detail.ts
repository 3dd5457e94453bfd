import type { Db } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';

/** How many earlier and later runs of the same job the detail page lists, for context. */
const historyLength = 10;

/**
 * Everything about one run, for its linkable page (`/runs/:id`, used in ticket descriptions).
 * The run carries `job`, `customer` (with mapping) and `ticket` in the same shape as on Run Checks,
 * so `views/tickets/run-ticket.ejs` works on both pages.
 */
export async function getRunDetail(db: Db, id: number) {
  const row = await db.run.findUnique({
    where: { id },
    include: {
      ticket: true,
      reviewedBy: { select: { id: true, name: true, email: true } },
      job: { include: { customer: { include: { mapping: true } } } },
      // RunStatus is declared success, warning, error: descending puts errors first.
      objects: { orderBy: [{ status: 'desc' }, { position: 'asc' }] },
    },
  });
  if (!row) throw new NotFoundError('This run does not exist. It may have been removed, or the link is wrong.');
  const { job, ...run } = row;
  const { customer, ...jobOnly } = job;
  const history = await db.run.findMany({
    where: { jobId: job.id, id: { not: id } },
    select: { id: true, runAt: true, status: true, reviewedAt: true },
    orderBy: [{ runAt: 'desc' }, { id: 'desc' }],
    take: historyLength,
  });
  const counts = { error: 0, warning: 0, success: 0 };
  for (const o of run.objects) counts[o.status] += 1;
  return {
    run: { ...run, objectCount: run.objects.length, job: jobOnly, customer },
    objectCounts: counts,
    history,
  };
}
