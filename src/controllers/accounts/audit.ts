import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { listAuditEvents } from '../../services/accounts/audit.ts';
import { idSchema } from '../../shared/ids.ts';
import { pageSchema, parseOrThrow } from '../../shared/validation.ts';

/** Filters come from the address bar: a bad value falls back to "any" instead of an error page. */
const querySchema = z.object({
  actor: idSchema.optional().catch(undefined),
  action: z.string().max(100).optional().catch(undefined),
  page: pageSchema,
});

const pageSize = 50;

/** Audit log (admins): who did what, newest first, filtered by actor and action. */
export async function get(req: Request, res: Response): Promise<void> {
  const q = parseOrThrow(querySchema, req.query);
  const result = await listAuditEvents(contextOf(req).database.prisma, {
    actorId: q.actor,
    action: q.action || undefined,
    page: q.page,
    pageSize,
  });
  res.render('accounts/audit', {
    title: 'Audit log',
    ...result,
    filters: { actor: q.actor ?? '', action: q.action ?? '' },
    page: q.page,
    pages: Math.max(1, Math.ceil(result.total / pageSize)),
  });
}
