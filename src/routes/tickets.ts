import { Router } from 'express';
import { backToRunOf } from '../controllers/runs/return-to.ts';
import * as addToTicket from '../controllers/tickets/add-to-ticket.ts';
import * as createTicket from '../controllers/tickets/create-ticket.ts';
import * as linkTicket from '../controllers/tickets/link-ticket.ts';
import * as liveLinks from '../controllers/tickets/live-links.ts';
import * as resolveTicket from '../controllers/tickets/resolve-ticket.ts';
import * as ticketNote from '../controllers/tickets/ticket-note.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure, renderOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/**
 * A run's Autotask ticket: create, resolve and add notes (admins and operators; a refusal goes back
 * to the page the click came from, as a message), and the LiveLinks that lead from Autotask back to
 * a run.
 */
export function ticketRoutes(): Router {
  const router = Router();
  const actor = requireRole('admin', 'operator');
  const backToRun = flashOnFailure(backToRunOf);
  router.post(pattern(paths.runs.createTicket), actor, backToRun, createTicket.post);
  // One ticket for a recurring problem, and a ticket opened in Autotask by hand.
  router.post(pattern(paths.runs.addToTicket), actor, backToRun, addToTicket.post);
  router.post(pattern(paths.runs.linkTicket), actor, backToRun, linkTicket.post);
  router.get(pattern(paths.runs.resolveTicket), actor, backToRun, resolveTicket.get);
  router.post(pattern(paths.runs.resolveTicket), actor, backToRun, resolveTicket.post);
  // Add note: a refused form is shown again as typed; without a form to show, back to the run.
  router.get(pattern(paths.runs.newTicketNote), actor, backToRun, ticketNote.get);
  router.post(pattern(paths.runs.ticketNotes), actor, renderOnFailure(ticketNote.renderFailure), ticketNote.post);
  router.get(pattern(paths.liveLinks.byTicketId, 'ticketId'), liveLinks.byTicketId);
  router.get(pattern(paths.liveLinks.byTicketNumber, 'ticketNumber'), liveLinks.byTicketNumber);
  return router;
}
