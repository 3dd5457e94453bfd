import { Prisma, type Db, type RunStatus } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { windowOf } from '../schedules/occurrences.ts';
import { specOf } from '../schedules/schedules.ts';
import { loadTicketCellData } from '../tickets/cell-data.ts';
import type { LastSuccess } from './run-checks.ts';
import { loadRunContext } from './run-context.ts';

/** How many earlier and later runs of the same job the detail page lists, for context. */
const historyLength = 10;

/**
 * Everything about one run, for its linkable page (`/runs/:id`, used in ticket descriptions).
 * The run carries `job`, `customer` (with mapping) and `ticket` in the same shape as on Run Checks,
 * so `views/tickets/run-ticket.ejs` works on both pages.
 */
export async function getRunDetail(db: Db, id: number, timezone = 'UTC') {
  // The run, its ticket, reviewer, job, customer, mapping and objects (errors first) in one statement.
  const row = await loadRunContext(db, id);
  if (!row) throw new NotFoundError('This run does not exist. It may have been removed, or the link is wrong.');
  const { job, ...run } = row;
  const { customer, ...jobOnly } = job;
  const [{ history, lastSuccess }, ticketCells, laterRun] = await Promise.all([
    historyOf(db, job.id, id),
    // For the ticket cell: who did what, the "run added" note, the job's open ticket.
    loadTicketCellData(db, { runIds: [id], jobIds: [job.id] }),
    run.status === 'missed' ? laterRunOf(db, job.id, run.expectedAt ?? run.runAt, timezone) : null,
  ]);
  const counts: Record<RunStatus, number> = { error: 0, missed: 0, warning: 0, success: 0 };
  for (const o of run.objects) counts[o.status] += 1;
  return {
    run: { ...run, objectCount: run.objects.length, job: { ...jobOnly, lastSuccess }, customer },
    objectCounts: counts,
    history,
    ticketCells,
    /** For a missed run: the first run of the job that did arrive, in its window or after it. */
    laterRun,
  };
}

/**
 * The first run (not itself missed) of the job from the missed window's opening on, by run time: a
 * run that came late, or whose report arrived after the window was recorded as missed. The window
 * is that of the job's current schedule; without one, from the expected time.
 */
async function laterRunOf(db: Db, jobId: number, expectedAt: Date, timezone: string) {
  const schedule = await db.jobSchedule.findUnique({ where: { jobId } });
  const from = schedule ? windowOf(specOf(schedule), timezone, expectedAt).opensAt : expectedAt;
  return db.run.findFirst({
    where: { jobId, status: { not: 'missed' }, runAt: { gte: from } },
    select: { id: true, runAt: true, status: true },
    orderBy: [{ runAt: 'asc' }, { id: 'asc' }],
  });
}

interface HistoryRow {
  id: number;
  runAt: Date;
  status: RunStatus;
  reviewedAt: Date | null;
  /** True for the job's newest successful run, added after the history rows. */
  lastSuccess: boolean;
}

/**
 * The job's other recent runs, and its newest successful run (as on Run Checks: the ticket cell's
 * "the next run of this job succeeded"), in one statement.
 */
async function historyOf(db: Db, jobId: number, runId: number) {
  const rows = await db.$queryRaw<HistoryRow[]>(Prisma.sql`
    (SELECT id, "runAt", status::text AS status, "reviewedAt", false AS "lastSuccess" FROM "Run"
     WHERE "jobId" = ${jobId} AND id <> ${runId} ORDER BY "runAt" DESC, id DESC LIMIT ${historyLength})
    UNION ALL
    (SELECT id, "runAt", status::text, "reviewedAt", true FROM "Run"
     WHERE "jobId" = ${jobId} AND status = 'success' ORDER BY "runAt" DESC, id DESC LIMIT 1)`);
  const newest = rows.find((r) => r.lastSuccess);
  const lastSuccess: LastSuccess | null = newest ? { id: newest.id, runAt: newest.runAt } : null;
  const history = rows
    .filter((r) => !r.lastSuccess)
    .map(({ lastSuccess: _last, ...h }) => h)
    .sort((a, b) => b.runAt.getTime() - a.runAt.getTime() || b.id - a.id);
  return { history, lastSuccess };
}
