import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors/catalogue.ts';
import { getRunDetail } from '../services/runs/run-detail.ts';
import { resolveStateFor } from '../services/tickets/resolve-ticket.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** /runs/:id — one run's own page; its address goes into ticket descriptions, so it must stay stable. */
export function runRoutes({ database, autotask }: AppContext): Router {
  const router = Router();
  router.get('/:id', async (req, res) => {
    // A mistyped run address is a missing page, not a form error.
    const parsed = idParam.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('This run does not exist. The link may be wrong.');
    const { id } = parsed.data;
    const detail = await getRunDetail(database.prisma, id);
    const resolveActions = await resolveStateFor({ db: database.prisma, autotask }, req.user?.role, [
      detail.run.ticket,
    ]);
    res.render('runs/show', {
      title: `Run #${detail.run.id} · ${detail.run.customer.name} / ${detail.run.job.name}`,
      ...detail,
      resolveActions,
      here: req.originalUrl,
    });
  });
  return router;
}
