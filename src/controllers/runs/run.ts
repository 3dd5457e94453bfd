import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { getRunDetail } from '../../services/runs/run-detail.ts';
import { resolveStateFor } from '../../services/tickets/resolve/offer.ts';
import { idParam } from '../../shared/ids.ts';
import { ticketCellsFor } from '../tickets/ticket-cells.ts';
import { RUN_MISSING } from '../tickets/create-ticket.ts';

/** /runs/:id — one run's own page; its address goes into ticket descriptions, so it must stay stable. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, autotask } = contextOf(req);
  const id = idParam(req.params['id'], RUN_MISSING);
  const detail = await getRunDetail(database.prisma, id);
  const settings = await getIntegrationSettings(database.prisma);
  const resolveActions = await resolveStateFor({ db: database.prisma, autotask }, req.user?.role, [detail.run.ticket], {
    settings,
  });
  res.render('runs/run', {
    title: `Run #${detail.run.id} · ${detail.run.customer.name} / ${detail.run.job.name}`,
    ...detail,
    ticketing: ticketCellsFor(req, res, settings),
    resolveActions,
    here: req.originalUrl,
  });
}
