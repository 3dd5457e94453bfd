import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { requireUser } from '../middleware/auth.ts';
import { AUTOTASK_PAGES, autotaskBadge } from '../middleware/autotask-badge.ts';
import { apiRunRoutes } from './api-runs.ts';
import { apiTokenRoutes } from './api-tokens.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { customerMappingRoutes } from './customer-mapping.ts';
import { customerRoutes } from './customers.ts';
import { healthRoutes } from './health.ts';
import { runCheckRoutes } from './run-checks.ts';
import { runRoutes } from './runs.ts';
import { settingsAutotaskRoutes } from './settings-autotask.ts';
import { ticketResolutionRoutes } from './ticket-resolution.ts';
import { ticketRoutes } from './tickets.ts';
import { userRoutes } from './users.ts';

/** Routes that need no session: health checks. */
export function publicRoutes(ctx: AppContext): Router {
  return healthRoutes(ctx);
}

/** The token-authenticated JSON API under /api/v1 (no session, no CSRF). */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(apiRunRoutes(ctx));
  return router;
}

/** Browser pages: sign-in is open, everything else needs a signed-in user. */
export function pageRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(authRoutes(ctx));
  router.use(requireUser);
  router.get('/', (_req, res) => res.redirect('/run-checks'));
  // Pages that act on Autotask show which environment they act on (sandbox or production).
  router.use(AUTOTASK_PAGES, autotaskBadge(ctx.database.prisma));
  router.use('/users', userRoutes(ctx));
  router.use('/audit', auditRoutes(ctx));
  // Before the Customers page: it adds the mapping data to the list and refreshes stale mappings after it.
  router.use('/customers', customerMappingRoutes(ctx));
  router.use('/customers', customerRoutes(ctx));
  // Before the run pages: it gives them the ticket view model and holds POST /runs/:id/ticket.
  router.use(ticketRoutes(ctx));
  router.use('/run-checks', runCheckRoutes(ctx));
  router.use('/runs', runRoutes(ctx));
  router.use('/runs', ticketResolutionRoutes(ctx));
  router.use('/settings/api-tokens', apiTokenRoutes(ctx));
  // Settings index and Settings → Extensions & Integrations → Autotask (admins).
  router.use('/settings', settingsAutotaskRoutes(ctx));
  return router;
}
