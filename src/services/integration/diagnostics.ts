import { z } from 'zod';
import type { Db, Prisma } from '../../db/database.ts';
import { loadMonitoring } from './overview.ts';

/**
 * Settings → Autotask → Diagnostics: the API call log, newest first, filtered by outcome and
 * paginated, and the sync log (company-name syncs and ticket-status refreshes).
 */

export const API_LOG_PAGE_SIZE = 50;
export const SYNC_LOG_LIMIT = 25;

export const diagnosticsQuerySchema = z.object({
  status: z.enum(['all', 'ok', 'failed']).default('all').catch('all'),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

export type DiagnosticsQuery = z.infer<typeof diagnosticsQuerySchema>;

export async function loadDiagnostics(db: Db, q: DiagnosticsQuery, now: Date = new Date()) {
  const where: Prisma.ApiCallLogWhereInput = q.status === 'all' ? {} : { ok: q.status === 'ok' };
  const [monitoring, calls, total, syncs] = await Promise.all([
    loadMonitoring(db, now),
    db.apiCallLog.findMany({
      where,
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      skip: (q.page - 1) * API_LOG_PAGE_SIZE,
      take: API_LOG_PAGE_SIZE,
    }),
    db.apiCallLog.count({ where }),
    db.syncLog.findMany({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: SYNC_LOG_LIMIT }),
  ]);
  return {
    monitoring,
    calls,
    total,
    syncs,
    page: q.page,
    pages: Math.max(1, Math.ceil(total / API_LOG_PAGE_SIZE)),
  };
}
