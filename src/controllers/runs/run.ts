import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { getRunDetail } from '../../services/runs/run-detail.ts';
import { listNotesOfTicket } from '../../services/tickets/notes/note-page.ts';
import { resolveStateFor } from '../../services/tickets/resolve/offer.ts';
import { idParam } from '../../shared/ids.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { ticketCellsFor } from '../tickets/ticket-cells.ts';
import { RUN_MISSING } from '../tickets/create-ticket.ts';

/** /runs/:id — one run's own page; its address goes into ticket descriptions, so it must stay stable. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], RUN_MISSING);
  const detail = await getRunDetail(database.prisma, id, config.timezone);
  // The active PSA, read once for this request: the ticket cell and the resolve action share it.
  const profile = await requestProfile(req);
  const resolveActions = await resolveStateFor({ db: database.prisma, profile }, req.user?.role, [detail.run.ticket]);
  // Notes written to the run's ticket from Backupchecks (views/tickets/ticket-notes.ejs).
  const ticketNotes = detail.run.ticket ? await listNotesOfTicket(database.prisma, detail.run.ticket) : [];
  res.render('runs/run', {
    title: `Run #${detail.run.id} · ${detail.run.customer.name} / ${detail.run.job.name}`,
    ...detail,
    ticketing: ticketCellsFor(req, res, profile, detail.ticketCells),
    resolveActions,
    ticketNotes,
    here: req.originalUrl,
  });
}
