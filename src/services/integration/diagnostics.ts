import { z } from 'zod';
import type { Db, Prisma } from '../../db/database.ts';
import { pageCount, pageSchema } from '../../shared/validation.ts';
import { jobReport } from '../../jobs/report.ts';
import { loadMonitoring } from './overview.ts';

/**
 * Settings → Autotask → Diagnostics: the API call log, newest first, filtered by outcome and
 * paginated, the sync log (company-name syncs and ticket-status refreshes) and the background jobs
 * (src/jobs/report.ts).
 */

export const API_LOG_PAGE_SIZE = 50;
export const SYNC_LOG_LIMIT = 25;

export const diagnosticsQuerySchema = z.object({
  status: z.enum(['all', 'ok', 'failed']).default('all').catch('all'),
  page: pageSchema,
});

export type DiagnosticsQuery = z.infer<typeof diagnosticsQuerySchema>;

export async function loadDiagnostics(db: Db, q: DiagnosticsQuery, now: Date = new Date()) {
  const where: Prisma.ApiCallLogWhereInput = q.status === 'all' ? {} : { ok: q.status === 'ok' };
  const findPage = (page: number) =>
    db.apiCallLog.findMany({
      where,
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * API_LOG_PAGE_SIZE,
      take: API_LOG_PAGE_SIZE,
    });
  const [monitoring, firstTry, total, syncs, jobs] = await Promise.all([
    loadMonitoring(db, now),
    findPage(q.page),
    db.apiCallLog.count({ where }),
    db.syncLog.findMany({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: SYNC_LOG_LIMIT }),
    jobReport(db),
  ]);
  // A page past the end (an old link, a typed number) shows the last page.
  const pages = pageCount(total, API_LOG_PAGE_SIZE);
  const page = Math.min(q.page, pages);
  const calls = page === q.page ? firstTry : await findPage(page);
  return { monitoring, calls, total, syncs, jobs, page, pages };
}
