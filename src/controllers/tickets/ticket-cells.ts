import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import type { PsaProfile } from '../../psa/port.ts';
import { upkeepShownTickets } from '../../services/tickets/upkeep.ts';
import type { TicketCellData } from '../../services/tickets/cell-data.ts';
import { createTicketViews, type TicketViews } from '../../services/tickets/view-model.ts';
import { deferAfterResponse } from '../../shared/deferred-work.ts';

/**
 * The ticket cell of every run a page shows (views/tickets/run-ticket.ejs), for Run Checks and the
 * run page. The page renders from what the database holds; the tickets it showed that need upkeep
 * (a pending attempt to settle, a status older than five minutes) are handled after the response
 * is sent, so a slow or unreachable PSA never delays or breaks the page. The next view shows
 * the result; a status is always labelled with the time it was read.
 */
export function ticketCellsFor(
  req: Request,
  res: Response,
  /** The active PSA (`requestProfile`). */
  profile: PsaProfile,
  /** What the page loaded for its cells beyond the runs (`loadTicketCellData`). */
  cells?: TicketCellData,
): TicketViews {
  const { database, config, psa, logger } = contextOf(req);
  const db = database.prisma;
  const views = createTicketViews({
    role: req.user?.role ?? null,
    profile,
    timeoutMs: config.autotask.timeoutMs,
    now: new Date(),
    ...(cells ? { cells } : {}),
  });
  deferAfterResponse(
    res,
    () => {
      const ids = views.upkeepIds();
      if (ids.length === 0 || res.statusCode >= 400) return;
      return (async () => {
        const result = await upkeepShownTickets({ db, psa, timeoutMs: config.autotask.timeoutMs }, ids);
        if (result.statusError) {
          logger.warn({ err: result.statusError }, 'ticket status refresh failed; the old statuses stay shown');
        }
      })();
    },
    (err) => logger.error({ err }, 'ticket upkeep after a page view failed'),
  );
  return views;
}
