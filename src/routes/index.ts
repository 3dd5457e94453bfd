import { Router } from 'express';
import { AUTOTASK_PAGES, autotaskBadge } from '../controllers/integration/autotask-badge.ts';
import * as healthz from '../controllers/health/healthz.ts';
import * as metrics from '../controllers/health/metrics.ts';
import { requireUser } from '../middleware/auth.ts';
import { rejectNulCharacters } from '../middleware/nul-characters.ts';
import { paths } from '../paths.ts';
import { accountRoutes } from './accounts.ts';
import { customerRoutes } from './customers.ts';
import { jobRoutes } from './jobs.ts';
import { mappingRoutes } from './mapping.ts';
import { runRoutes } from './runs.ts';
import { integrationRoutes } from './integration.ts';
import { retentionRoutes } from './retention.ts';
import { ticketRoutes } from './tickets.ts';

export { apiRoutes } from './api.ts';

/** Routes that need no session: health checks, and the metrics scrape (its own bearer token). */
export function publicRoutes(): Router {
  const router = Router();
  router.get(paths.health, healthz.get);
  router.get(paths.metrics, metrics.requireScrapeToken, metrics.get);
  return router;
}

/** Browser pages: sign-in is open, everything else needs a signed-in user. */
export function pageRoutes(): Router {
  const router = Router();
  // Before every page's own steps: text PostgreSQL cannot store never reaches a page (422 instead).
  router.use(rejectNulCharacters);
  router.use(accountRoutes());
  router.use(requireUser);
  router.get(paths.home, (_req, res) => res.redirect(paths.runChecks.index));
  // Pages that act on Autotask show which environment they act on (sandbox or production).
  router.use(AUTOTASK_PAGES, autotaskBadge);
  router.use(customerRoutes());
  router.use(mappingRoutes());
  router.use(runRoutes());
  router.use(jobRoutes());
  router.use(ticketRoutes());
  router.use(integrationRoutes());
  router.use(retentionRoutes());
  return router;
}
