import { Router } from 'express';
import { backToRunOf } from '../controllers/runs/return-to.ts';
import * as createTicket from '../controllers/tickets/create-ticket.ts';
import * as liveLinks from '../controllers/tickets/live-links.ts';
import * as resolveTicket from '../controllers/tickets/resolve-ticket.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/**
 * A run's Autotask ticket: create and resolve (admins and operators; a refusal goes back to the page
 * the click came from, as a message), and the LiveLinks that lead from Autotask back to a run.
 */
export function ticketRoutes(): Router {
  const router = Router();
  const actor = requireRole('admin', 'operator');
  const backToRun = flashOnFailure(backToRunOf);
  router.post(pattern(paths.runs.createTicket), actor, backToRun, createTicket.post);
  router.get(pattern(paths.runs.resolveTicket), actor, backToRun, resolveTicket.get);
  router.post(pattern(paths.runs.resolveTicket), actor, backToRun, resolveTicket.post);
  router.get(pattern(paths.liveLinks.byTicketId, 'ticketId'), liveLinks.byTicketId);
  router.get(pattern(paths.liveLinks.byTicketNumber, 'ticketNumber'), liveLinks.byTicketNumber);
  return router;
}
