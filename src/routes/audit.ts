import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../middleware/auth.ts';
import { listAuditEvents } from '../services/accounts/audit.ts';
import { parseOrThrow } from '../shared/validation.ts';

const querySchema = z.object({
  actor: z.coerce.number().int().positive().optional().catch(undefined),
  action: z.string().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

const pageSize = 50;

export function auditRoutes({ database }: AppContext): Router {
  const router = Router();
  router.use(requireRole('admin'));
  router.get('/', async (req, res) => {
    const q = parseOrThrow(querySchema, req.query);
    const result = await listAuditEvents(database.prisma, {
      actorId: q.actor,
      action: q.action || undefined,
      page: q.page,
      pageSize,
    });
    res.render('audit/index', {
      title: 'Audit log',
      ...result,
      filters: { actor: q.actor ?? '', action: q.action ?? '' },
      page: q.page,
      pages: Math.max(1, Math.ceil(result.total / pageSize)),
    });
  });
  return router;
}
