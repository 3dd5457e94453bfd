import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { diagnosticsQuerySchema, loadDiagnostics } from '../../services/integration/diagnostics.ts';
import { syncKindLabel } from '../../services/integration/overview.ts';
import { budgetStatus } from '../../services/integration/request-budget.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { parseOrThrow } from '../../shared/validation.ts';

/**
 * Settings → Autotask → Diagnostics: the hourly request budget (and whether background reads are
 * paused for it), the API call log (filtered, paged), the sync log and the background jobs.
 */
export async function get(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const q = parseOrThrow(diagnosticsQuerySchema, req.query);
  const [settings, result] = await Promise.all([getIntegrationSettings(db), loadDiagnostics(db, q)]);
  res.render('integration/diagnostics', {
    title: 'Autotask diagnostics',
    settings,
    ...result,
    budget: budgetStatus(settings),
    filters: { status: q.status },
    syncKindLabel,
  });
}
